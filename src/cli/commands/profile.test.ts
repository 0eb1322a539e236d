import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSkiffHome } from '../../../test/helpers/skiffhome.js';
import { saveProfile } from '../../cluster/profiles.js';
import { registerProfile } from './profile.js';

useSkiffHome('skiff-profile-cli-');
afterEach(() => vi.restoreAllMocks());

describe('skiff profile list', () => {
  it('runs through commander, data on stdout', async () => {
    saveProfile({
      name: 'skiff', driver: 'docker', nodes: [{ name: 'skiff', role: 'control-plane', ip: '10.100.0.2' }], apiServer: { hostPort: 40001 },
      kubernetesVersion: 'v1.32.0', addons: {}, createdAt: '2025-01-01T00:00:00.000Z',
    });
    const program = new Command('skiff').exitOverride();
    registerProfile(program, async () => 'Unknown');
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await program.parseAsync(['profile', 'list', '-o', 'json'], { from: 'user' });
    const valid = JSON.parse(out).valid as { name: string; status: string }[];
    expect(valid.map((p) => [p.name, p.status])).toEqual([['skiff', 'Unknown']]);
  });
});
