// `skiff update-context`: the profile's kubeconfig entry pointed at the API server's current port.
// Registration only: the driver loads when the command runs (../actions/update-context.ts).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import { profileFlag } from './profileflag.js';

export function registerUpdateContext(program: Command): void {
  profileFlag(program.command('update-context').description('point kubectl\'s context for the profile at the API server\'s current address'))
    .action(async (flags: CommonFlags) => (await import('../actions/update-context.js')).runUpdateContext(flags));
}
