import { describe, expect, it } from 'vitest';
import { useSkiffHome } from '../../../test/helpers/skiffhome.js';
import { setConfig } from '../../cluster/config.js';
import { saveProfile } from '../../cluster/profiles.js';
import { UserError } from '../errors.js';
import { startSettings } from './lifecycle.js';

useSkiffHome('skiff-start-settings-');

const thrown = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (err) {
    return err as UserError;
  }
  throw new Error('did not throw');
};

describe('skiff start settings', () => {
  it('a new cluster: flags, else `skiff config` defaults, else one node with no limits', () => {
    expect(startSettings('dev', { wait: 'true' })).toEqual({ nodes: 1, cpus: undefined, memoryMiB: undefined, addons: [] });
    setConfig('cpus', '2');
    setConfig('memory', '2g');
    setConfig('nodes', '3');
    setConfig('addons', 'dashboard');
    expect(startSettings('dev', { wait: 'true' })).toEqual({ nodes: 3, cpus: 2, memoryMiB: 2048, addons: ['dashboard'] });
    expect(startSettings('dev', { wait: 'true', nodes: '2', cpus: '4', memory: '512mb', addons: 'a,b' })).toEqual({ nodes: 2, cpus: 4, memoryMiB: 512, addons: ['a', 'b'] });
  });

  it('an existing cluster keeps what it was made with; config defaults are for new ones', () => {
    setConfig('cpus', '2');
    setConfig('nodes', '3');
    saveProfile({
      name: 'dev', driver: 'docker', nodes: [{ name: 'dev', role: 'control-plane', ip: '10.100.0.2' }], apiServer: { hostPort: 1 },
      kubernetesVersion: 'v1.32.0', addons: {}, createdAt: '2025-01-01T00:00:00.000Z', cpus: 1, memoryMiB: 700,
    });
    expect(startSettings('dev', { wait: 'true' })).toEqual({ nodes: 1, cpus: 1, memoryMiB: 700, addons: [] });
  });

  it('refuses what is no count or size, saying what is accepted', () => {
    expect(thrown(() => startSettings('dev', { wait: 'true', nodes: '0' })).fix).toBe('give a whole number from 1 to 20');
    expect(thrown(() => startSettings('dev', { wait: 'true', nodes: '2.5' })).message).toBe('invalid --nodes "2.5"');
    expect(thrown(() => startSettings('dev', { wait: 'true', memory: 'lots' })).fix).toMatch(/4g/);
  });
});
