// `skiff ssh [-n node] [-- cmd…]` and `skiff logs [-f] [-n node]`: a shell (or one command) in a
// node container through the driver's exec, and the node process's output.
// Registration only: the driver loads when the command runs (../actions/ssh.ts).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import { profileFlag } from './profileflag.js';

const actions = () => import('../actions/ssh.js');

export function registerSsh(program: Command): void {
  profileFlag(program.command('ssh').description('open a shell in a node (the control plane by default), or run a command: skiff ssh -- hostname'))
    .option('-n, --node <name>', 'the node')
    .argument('[cmd...]', 'the command to run (after --)')
    .action(async (cmd: string[], flags: CommonFlags & { node?: string }) => (await actions()).ssh(cmd, flags));

  profileFlag(program.command('logs').description('print a node\'s process output (the control plane\'s by default)'))
    .option('-n, --node <name>', 'the node')
    .option('-f, --follow', 'keep printing new output until Ctrl-C')
    .option('--length <n>', 'only the last n lines')
    .action(async (flags: CommonFlags & { node?: string; follow?: boolean; length?: string }) => (await actions()).logs(flags));
}
