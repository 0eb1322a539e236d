import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KUBERNETES_VERSION, SKIFF_VERSION } from '../../api/version.js';
import { UserError } from '../errors.js';
import { registerVersion, renderVersion, versionInfo } from './version.js';

afterEach(() => vi.restoreAllMocks());

async function skiff(...args: string[]): Promise<string> {
  const program = new Command('skiff').exitOverride();
  registerVersion(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  await program.parseAsync(args, { from: 'user' });
  return out;
}

describe('skiff version', () => {
  const info = { skiffVersion: 'v0.1.0', kubernetesVersion: 'v1.32.0-skiff', nodeVersion: 'v20.1.0' };

  it('reports skiff, Kubernetes and Node versions', () => {
    expect(versionInfo()).toEqual({ skiffVersion: `v${SKIFF_VERSION}`, kubernetesVersion: KUBERNETES_VERSION.gitVersion, nodeVersion: process.version });
  });

  it('prints text, json and short forms', () => {
    expect(renderVersion(info, {})).toBe('skiff version: v0.1.0\nkubernetes version: v1.32.0-skiff\nnode version: v20.1.0\n');
    expect(JSON.parse(renderVersion(info, { output: 'json' }))).toEqual(info);
    expect(renderVersion(info, { short: true })).toBe('v0.1.0\n');
    expect(renderVersion(info, { short: true, output: 'json' })).toBe('{"skiffVersion":"v0.1.0"}\n');
    expect(() => renderVersion(info, { output: 'yaml' })).toThrow(UserError);
  });

  it('runs through commander, data on stdout', async () => {
    expect(JSON.parse(await skiff('version', '-o', 'json'))).toEqual(versionInfo());
    expect(await skiff('version', '--short')).toBe(`v${SKIFF_VERSION}\n`);
  });
});
