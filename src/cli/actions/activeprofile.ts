// The profile a command acts on. Reading `skiff config` loads conf, so the registration
// (../commands/profileflag.ts's hook) imports this module only once a command runs.
import { getConfig } from '../../cluster/config.js';
import { DEFAULT_PROFILE, validateProfileName } from '../../cluster/profiles.js';

export interface CommonFlags {
  profile?: string;
  output?: string;
}

/** The profile commands use without -p: `skiff config set profile`, else "skiff". */
export function activeProfileName(): string {
  const configured = getConfig('profile');
  return typeof configured === 'string' ? configured : DEFAULT_PROFILE;
}

/** The validated profile a command acts on (profileflag.ts's hook has already resolved -p). */
export function profileOf(flags: CommonFlags): string {
  return validateProfileName(flags.profile ?? activeProfileName());
}
