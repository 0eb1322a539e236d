import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSkiffHome } from '../../test/helpers/skiffhome.js';
import { ExitCode, UserError } from './errors.js';
import {
  CONFIG_KEYS, configFilePath, formatConfigValue, getConfig, parseKubernetesVersion, parseSizeMiB, setConfig, unsetConfig, viewConfig,
} from './config.js';

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

const home = useSkiffHome('skiff-config-');

describe('parseSizeMiB', () => {
  it('reads minikube/Docker sizes as binary units, bare numbers as MiB', () => {
    expect(parseSizeMiB('4096')).toBe(4096);
    expect(parseSizeMiB('4g')).toBe(4096);
    expect(parseSizeMiB('4G')).toBe(4096);
    expect(parseSizeMiB('4gb')).toBe(4096);
    expect(parseSizeMiB('4GiB')).toBe(4096);
    expect(parseSizeMiB('4096mb')).toBe(4096);
    expect(parseSizeMiB('2048m')).toBe(2048);
    expect(parseSizeMiB('1.5g')).toBe(1536);
    expect(parseSizeMiB('1t')).toBe(1024 * 1024);
    expect(parseSizeMiB('524288k')).toBe(512);
  });
  it('rejects what is no size or under 1 MiB', () => {
    for (const s of ['', 'lots', '-1', '4x', '0', '100k', '4 g b']) expect(parseSizeMiB(s)).toBeUndefined();
  });
});

describe('parseKubernetesVersion', () => {
  it('normalizes to a leading v and keeps aliases', () => {
    expect(parseKubernetesVersion('1.32.0')).toBe('v1.32.0');
    expect(parseKubernetesVersion('v1.31.2')).toBe('v1.31.2');
    expect(parseKubernetesVersion('stable')).toBe('stable');
    expect(() => parseKubernetesVersion('1.32')).toThrow(UserError);
  });
});

describe('config set/get/unset/view', () => {
  it('stores parsed values in $SKIFF_HOME/config/config.json', () => {
    expect(setConfig('memory', '4g')).toBe(4096);
    expect(setConfig('cpus', '2')).toBe(2);
    expect(setConfig('addons', 'dashboard, metrics-server,dashboard')).toEqual(['dashboard', 'metrics-server']);
    expect(setConfig('kubernetes-version', '1.32.0')).toBe('v1.32.0');
    expect(configFilePath()).toBe(join(home(), 'config', 'config.json'));
    expect(JSON.parse(readFileSync(configFilePath(), 'utf8'))).toEqual({
      memory: 4096, cpus: 2, addons: ['dashboard', 'metrics-server'], 'kubernetes-version': 'v1.32.0',
    });
    expect(getConfig('memory')).toBe(4096);
    expect(viewConfig()).toEqual({ addons: ['dashboard', 'metrics-server'], cpus: 2, 'kubernetes-version': 'v1.32.0', memory: 4096 });
    expect(Object.keys(viewConfig())).toEqual(['addons', 'cpus', 'kubernetes-version', 'memory']);
  });

  it('get of an unset key is undefined; unset removes and may repeat', () => {
    expect(getConfig('nodes')).toBeUndefined();
    setConfig('nodes', '3');
    unsetConfig('nodes');
    unsetConfig('nodes');
    expect(getConfig('nodes')).toBeUndefined();
    expect(viewConfig()).toEqual({});
  });

  it('an unknown key is a usage error listing the valid keys', () => {
    for (const fn of [() => setConfig('memroy', '4g'), () => getConfig('memroy'), () => unsetConfig('memroy'), () => getConfig('constructor')]) {
      const err = userError(fn);
      expect(err.exitCode).toBe(ExitCode.usage);
      expect(err.fix).toBe(`valid keys: ${Object.keys(CONFIG_KEYS).join(', ')}`);
    }
    expect(userError(() => setConfig('memroy', '4g')).message).toBe('unknown config key "memroy"');
  });

  it('validates each key, saying what is accepted, and stores nothing then', () => {
    const cases: [string, string, string][] = [
      ['cpus', '0', 'at least 1'], ['cpus', 'two', 'at least 1'], ['nodes', '0', 'at least 1'], ['nodes', '1.5', 'whole number'],
      ['memory', 'lots', '4g'], ['disk-size', '-3', 'size'], ['driver', 'kvm2', 'docker'],
      ['profile', 'My_Profile', 'profile name'], ['addons', 'Dash Board', 'comma'], ['kubernetes-version', 'newest', 'v1.32.0'],
    ];
    for (const [key, raw, hint] of cases) {
      const err = userError(() => setConfig(key, raw));
      expect(err.message).toBe(`invalid value "${raw}" for ${key}`);
      expect(err.fix).toContain(hint);
    }
    expect(viewConfig()).toEqual({});
    expect(setConfig('driver', 'docker')).toBe('docker');
    expect(setConfig('profile', 'dev')).toBe('dev');
  });

  it('a corrupt file is configInvalid with the fix', () => {
    mkdirSync(join(home(), 'config'), { recursive: true });
    writeFileSync(configFilePath(), '{oops');
    const err = userError(() => viewConfig());
    expect(err.exitCode).toBe(ExitCode.configInvalid);
    expect(err.fix).toContain('remove the file');
  });

  it('formats lists comma separated', () => {
    expect(formatConfigValue(['a', 'b'])).toBe('a,b');
    expect(formatConfigValue(4096)).toBe('4096');
  });
});
