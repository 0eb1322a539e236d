// `-p/--profile` everywhere: on each cluster command (`skiff status -p three`) and on skiff itself
// (`skiff -p three status`). The program parses its options positionally (only before the command
// name), so the two never compete; a preAction hook then gives the command the profile from,
// in order: its own -p, skiff's -p, `skiff config set profile`, else "skiff". The config is read
// (and conf loaded) only when a command runs without -p.
import type { Command } from 'commander';

const PROFILE_AWARE = new WeakSet<Command>();

const DESCRIPTION = 'the profile (cluster) to act on (default: `skiff config get profile`, else "skiff")';

/** Adds -p/--profile to a command that acts on one profile. */
export function profileFlag(cmd: Command): Command {
  PROFILE_AWARE.add(cmd);
  return cmd.option('-p, --profile <name>', DESCRIPTION);
}

/** The profile a command runs against, given its own flag and skiff's global one. */
export async function resolveProfile(own: string | undefined, global: string | undefined): Promise<string> {
  return own ?? global ?? (await import('../actions/activeprofile.js')).activeProfileName();
}

/** Call once on the program, before parsing. */
export function installGlobalProfile(program: Command): void {
  program.enablePositionalOptions().option('-p, --profile <name>', DESCRIPTION);
  program.hook('preAction', async (_root, action) => {
    if (!PROFILE_AWARE.has(action)) return;
    // The nearest -p given: the command's own, a parent's (`service -p x list`), then skiff's.
    let given: string | undefined;
    for (let c: Command | null = action; c && given === undefined; c = c.parent) {
      if (c.getOptionValueSource('profile') === 'cli') given = c.getOptionValue('profile') as string;
    }
    action.setOptionValueWithSource('profile', await resolveProfile(given, undefined), given !== undefined ? 'cli' : 'default');
  });
}
