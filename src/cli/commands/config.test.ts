import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSkiffHome } from '../../../test/helpers/skiffhome.js';
import { ExitCode, UserError } from '../errors.js';
import { registerConfig } from './config.js';

useSkiffHome('skiff-config-cli-');
afterEach(() => vi.restoreAllMocks());

async function skiff(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('skiff').exitOverride();
  registerConfig(program);
  const seen = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((seen.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((seen.stderr += String(chunk)), true));
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return seen;
}

describe('skiff config', () => {
  it('set, get, view and unset', async () => {
    expect((await skiff('config', 'set', 'memory', '4g')).stderr).toContain('takes effect when a cluster is created');
    expect(await skiff('config', 'set', 'profile', 'dev')).toEqual({ stdout: '', stderr: '' });
    await skiff('config', 'set', 'addons', 'dashboard,ingress');
    expect((await skiff('config', 'get', 'memory')).stdout).toBe('4096\n');
    expect((await skiff('config', 'view')).stdout).toBe('- addons: dashboard,ingress\n- memory: 4096\n- profile: dev\n');
    expect(JSON.parse((await skiff('config', 'view', '-o', 'json')).stdout)).toEqual({ addons: ['dashboard', 'ingress'], memory: 4096, profile: 'dev' });
    await skiff('config', 'unset', 'memory');
    expect((await skiff('config', 'view')).stdout).toBe('- addons: dashboard,ingress\n- profile: dev\n');
  });

  it('get of an unset key is notFound with how to set it', async () => {
    const err = await skiff('config', 'get', 'cpus').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(ExitCode.notFound);
    expect((err as UserError).fix).toBe('set it with `skiff config set cpus VALUE`');
  });

  it('bad keys and values are usage errors', async () => {
    const unknown = (await skiff('config', 'set', 'cpu', '2').catch((e: unknown) => e)) as UserError;
    expect(unknown.message).toBe('unknown config key "cpu"');
    expect(unknown.fix).toMatch(/^valid keys: cpus, memory,/);
    const bad = (await skiff('config', 'set', 'cpus', '0').catch((e: unknown) => e)) as UserError;
    expect(bad.exitCode).toBe(ExitCode.usage);
  });

  it('help lists the keys', () => {
    const program = new Command('skiff');
    registerConfig(program);
    let help = '';
    const config = program.commands.find((c) => c.name() === 'config')!;
    config.configureOutput({ writeOut: (s) => void (help += s) });
    config.outputHelp();
    expect(help).toMatch(/Keys:\n  cpus +CPUs for each node/);
    expect(help).toContain('kubernetes-version');
  });
});
