import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSkiffHome } from '../../test/helpers/skiffhome.js';
import { ExitCode, UserError } from './errors.js';
import {
  DEFAULT_PROFILE, deleteProfile, listProfiles, loadProfile, profileDir, profileExists, profileNameProblem, saveProfile,
  skiffHome, validateProfileName, type Profile,
} from './profiles.js';

function sample(name = DEFAULT_PROFILE): Profile {
  return {
    name,
    driver: 'docker',
    nodes: [
      { name, role: 'control-plane', ip: '10.100.0.2' },
      { name: `${name}-m02`, role: 'worker', ip: '10.100.0.3' },
    ],
    apiServer: { hostPort: 40123 },
    kubernetesVersion: 'v1.32.0',
    addons: { dns: true, dashboard: false },
    createdAt: '2025-01-02T03:04:05.000Z',
  };
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

const home = useSkiffHome('skiff-home-');

describe('profile names', () => {
  it('accepts minikube-style names', () => {
    for (const n of ['skiff', 'a', 'dev-2', 'three', 'a'.repeat(59)]) expect(profileNameProblem(n)).toBeUndefined();
  });
  it('rejects what cannot name a container and a DNS label, saying how to fix it', () => {
    for (const n of ['', 'Dev', '2dev', '-dev', 'dev-', 'my_dev', 'my.dev', 'a'.repeat(60)]) expect(profileNameProblem(n)).toBeDefined();
    const err = userError(() => validateProfileName('My_Cluster'));
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toContain('My_Cluster');
    expect(err.fix).toContain('"my-cluster"');
  });
});

describe('profiles', () => {
  it('lives under SKIFF_HOME', () => {
    expect(skiffHome()).toBe(home());
    expect(profileDir('x')).toBe(join(home(), 'profiles', 'x'));
  });

  it('saves and loads a profile, file mode 0600', () => {
    saveProfile(sample());
    expect(profileExists('skiff')).toBe(true);
    expect(loadProfile('skiff')).toEqual(sample());
    const file = join(home(), 'profiles', 'skiff', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).apiServer).toEqual({ hostPort: 40123 });
  });

  it('overwrites the whole record on save', () => {
    saveProfile({ ...sample(), status: { lastKnown: 'Running', at: '2025-01-02T03:04:06.000Z' } });
    const next = { ...sample(), nodes: sample().nodes.slice(0, 1) };
    saveProfile(next);
    expect(loadProfile('skiff')).toEqual(next);
  });

  it('a missing profile is notFound with the command that creates it', () => {
    const err = userError(() => loadProfile('nope'));
    expect(err.exitCode).toBe(ExitCode.notFound);
    expect(err.fix).toContain('skiff start -p nope');
    expect(profileExists('nope')).toBe(false);
  });

  it('a corrupt or mistyped file is configInvalid', () => {
    mkdirSync(join(home(), 'profiles', 'broken'), { recursive: true });
    writeFileSync(join(home(), 'profiles', 'broken', 'config.json'), '{not json');
    expect(userError(() => loadProfile('broken')).exitCode).toBe(ExitCode.configInvalid);
    saveProfile(sample('typed'));
    const file = join(home(), 'profiles', 'typed', 'config.json');
    writeFileSync(file, JSON.stringify({ ...sample('typed'), driver: 'kvm2' }));
    expect(userError(() => loadProfile('typed')).fix).toContain('skiff delete -p typed');
    writeFileSync(file, JSON.stringify({ name: 'typed' }));
    expect(userError(() => loadProfile('typed')).message).toContain('missing driver');
  });

  it('refuses to save an invalid name', () => {
    expect(() => saveProfile(sample('Bad'))).toThrow(UserError);
  });

  it('deletes, and deleting again is not an error', () => {
    saveProfile(sample());
    expect(deleteProfile('skiff')).toBe(true);
    expect(profileExists('skiff')).toBe(false);
    expect(deleteProfile('skiff')).toBe(false);
  });

  it('lists valid profiles sorted, and broken ones with the reason', () => {
    expect(listProfiles()).toEqual({ valid: [], invalid: [] });
    saveProfile(sample('zeta'));
    saveProfile(sample('alpha'));
    mkdirSync(join(home(), 'profiles', 'empty'), { recursive: true });
    mkdirSync(join(home(), 'profiles', 'Upper'), { recursive: true });
    mkdirSync(join(home(), 'profiles', 'bad'), { recursive: true });
    writeFileSync(join(home(), 'profiles', 'bad', 'config.json'), '[]');
    const { valid, invalid } = listProfiles();
    expect(valid.map((p) => p.name)).toEqual(['alpha', 'zeta']);
    expect(invalid.map((p) => p.name)).toEqual(['Upper', 'bad', 'empty']);
    expect(invalid.find((p) => p.name === 'empty')?.reason).toContain('no config.json');
  });
});
