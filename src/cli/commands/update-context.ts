// `skiff update-context`: the profile's kubeconfig entry pointed at the API server's current port.
import type { Command } from 'commander';
import { updateContext } from '../../cluster/access.js';
import { engineCall, profileOf, type CommonFlags } from './common.js';
import { profileFlag } from './profileflag.js';

export function registerUpdateContext(program: Command): void {
  profileFlag(program.command('update-context').description('point kubectl\'s context for the profile at the API server\'s current address'))
    .action(async (flags: CommonFlags) => {
      const profile = profileOf(flags);
      const { server, changed } = await engineCall((driver) => updateContext(driver, profile));
      process.stderr.write(changed ? `"${profile}" context has been updated to point to ${server}\n` : `"${profile}" context is already up to date (${server})\n`);
    });
}
