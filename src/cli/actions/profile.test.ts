import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSkiffHome } from '../../../test/helpers/skiffhome.js';
import { setConfig } from '../../cluster/config.js';
import { saveProfile, type Profile } from '../../cluster/profiles.js';
import { UserError } from '../errors.js';
import { runProfileList } from './profile.js';

function profile(name: string, nodes: number, port: number): Profile {
  return {
    name,
    driver: 'docker',
    nodes: Array.from({ length: nodes }, (_, i) => ({
      name: i === 0 ? name : `${name}-m0${i + 1}`, role: i === 0 ? 'control-plane' as const : 'worker' as const, ip: `10.100.0.${i + 2}`,
    })),
    apiServer: { hostPort: port },
    kubernetesVersion: 'v1.32.0',
    addons: {},
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

const home = useSkiffHome('skiff-profile-cli-');
afterEach(() => vi.restoreAllMocks());

describe('skiff profile list', () => {
  it('says how to create a profile when there is none', async () => {
    expect(await runProfileList({})).toEqual({ stdout: '', stderr: 'No profiles found. Create one with `skiff start`.\n' });
    expect(JSON.parse((await runProfileList({ output: 'json' })).stdout)).toEqual({ valid: [], invalid: [] });
  });

  it('prints a table with the active profile marked, broken ones on stderr', async () => {
    saveProfile(profile('skiff', 1, 40001));
    saveProfile(profile('three', 3, 40002));
    mkdirSync(join(home(), 'profiles', 'broken'));
    const { stdout, stderr } = await runProfileList({}, async () => 'Unknown');
    expect(stdout).toBe([
      'NAME    DRIVER   IP           PORT    VERSION   STATUS    NODES   ACTIVE',
      'skiff   docker   10.100.0.2   40001   v1.32.0   Unknown   1       *',
      'three   docker   10.100.0.2   40002   v1.32.0   Unknown   3',
      '',
    ].join('\n'));
    expect(stderr).toBe('! profile "broken" is invalid: it has no config.json\n  remove it with `skiff delete -p broken`\n');
  });

  it('marks the profile chosen with `config set profile`, and asks statusOf', async () => {
    saveProfile(profile('skiff', 1, 40001));
    saveProfile(profile('dev', 2, 40003));
    setConfig('profile', 'dev');
    const { stdout } = await runProfileList({ output: 'json' }, async (p) => (p.name === 'dev' ? 'Running' : 'Stopped'));
    const data = JSON.parse(stdout) as { valid: (Profile & { status: string; active: boolean })[] };
    expect(data.valid.map((p) => [p.name, p.status, p.active, p.nodes.length])).toEqual([['dev', 'Running', true, 2], ['skiff', 'Stopped', false, 1]]);
    expect(data.valid[0]!.apiServer).toEqual({ hostPort: 40003 });
  });

  it('rejects an unknown -o', async () => {
    await expect(runProfileList({ output: 'yaml' })).rejects.toThrow(UserError);
  });
});
