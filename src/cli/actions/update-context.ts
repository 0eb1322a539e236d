// `skiff update-context`'s action, loaded only when the command runs
// (../commands/update-context.ts registers it).
import { updateContext } from '../../cluster/access.js';
import { engineCall, profileOf, type CommonFlags } from './common.js';

export async function runUpdateContext(flags: CommonFlags): Promise<void> {
  const profile = profileOf(flags);
  const { server, changed } = await engineCall((driver) => updateContext(driver, profile));
  process.stderr.write(changed ? `"${profile}" context has been updated to point to ${server}\n` : `"${profile}" context is already up to date (${server})\n`);
}
