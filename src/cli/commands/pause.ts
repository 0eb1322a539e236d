// `skiff pause` / `skiff unpause`: freeze and thaw every node and pod container of the profile.
// Registration only: the driver loads when the command runs (../actions/pause.ts).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import { profileFlag } from './profileflag.js';

const actions = () => import('../actions/pause.js');

export function registerPause(program: Command): void {
  profileFlag(program.command('pause').description('pause the cluster: every node and pod container frozen, state kept'))
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags) => (await actions()).pause(flags));
  profileFlag(program.command('unpause').description('unpause a paused cluster'))
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags) => (await actions()).unpause(flags));
}
