import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { useSkiffHome } from '../../../test/helpers/skiffhome.js';
import { setConfig } from '../../cluster/config.js';
import { installGlobalProfile, profileFlag } from './profileflag.js';

useSkiffHome('skiff-profileflag-');

/** A program shaped like skiff's: status, service NAME with service list, and agent's own --profile. */
async function run(...argv: string[]): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  const program = new Command('skiff').exitOverride();
  installGlobalProfile(program);
  profileFlag(program.command('status')).option('-o, --output <f>').action((flags) => Object.assign(seen, { status: flags }));
  const service = profileFlag(program.command('service')).argument('<name>').option('-n, --namespace <ns>', '', 'default')
    .action((name, flags) => Object.assign(seen, { service: { name, ...flags } }));
  profileFlag(service.command('list')).action((flags) => Object.assign(seen, { list: flags }));
  program.command('agent').option('--profile <name>').action((flags) => Object.assign(seen, { agent: flags }));
  await program.parseAsync(argv, { from: 'user' });
  return seen;
}

describe('-p/--profile', () => {
  it('is taken after the command or before it, the command\'s own winning', async () => {
    expect((await run('status', '-p', 'three')).status).toEqual({ profile: 'three' });
    expect((await run('-p', 'three', 'status')).status).toEqual({ profile: 'three' });
    expect((await run('--profile', 'three', 'status', '-o', 'json')).status).toEqual({ profile: 'three', output: 'json' });
    expect((await run('-p', 'one', 'status', '-p', 'two')).status).toEqual({ profile: 'two' });
  });

  it('defaults to `skiff config set profile`, else "skiff"', async () => {
    expect((await run('status')).status).toEqual({ profile: 'skiff' });
    setConfig('profile', 'dev');
    expect((await run('status')).status).toEqual({ profile: 'dev' });
  });

  it('reaches subcommands from a parent\'s -p, and leaves commands with their own --profile alone', async () => {
    expect((await run('service', 'web', '-n', 'shop', '-p', 'x')).service).toEqual({ name: 'web', namespace: 'shop', profile: 'x' });
    expect((await run('-p', 'x', 'service', 'list')).list).toEqual({ profile: 'x' });
    expect((await run('service', '-p', 'y', 'list')).list).toEqual({ profile: 'y' });
    expect((await run('service', 'list', '-p', 'z')).list).toEqual({ profile: 'z' });
    expect((await run('agent', '--profile', 'p1')).agent).toEqual({ profile: 'p1' });
    expect((await run('agent')).agent).toEqual({});
  });
});
