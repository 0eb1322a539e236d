// What the cluster commands' actions share: the profile they act on, a reporter for progress on
// stderr, and the Docker engine's own problems turned into the fix a user can act on.
import { DockerDriver } from '../../driver/docker/driver.js';
import { DockerUnavailableError } from '../../driver/errors.js';
import { ExitCode, UserError } from '../errors.js';
import { chooseReporter, type Reporter } from '../output/index.js';

export { profileOf, type CommonFlags } from './activeprofile.js';

/** The Docker engine's own problems become the fix a user can act on (exit code 3). */
export function asUserError(err: unknown): unknown {
  if (err instanceof DockerUnavailableError) return new UserError(err.message, err.fix, ExitCode.dockerUnavailable);
  return err;
}

/** Runs fn with a progress reporter on stderr, closed (its last frame drawn) however fn ends. */
export async function withReporter<T>(flags: { output?: string }, fn: (reporter: Reporter) => Promise<T>): Promise<T> {
  const reporter = await chooseReporter({ output: flags.output, isTTY: Boolean(process.stderr.isTTY) });
  try {
    return await fn(reporter);
  } catch (err) {
    throw asUserError(err);
  } finally {
    await reporter.close();
  }
}

/** Runs fn with no progress to show, still mapping engine errors. */
export async function engineCall<T>(fn: (driver: DockerDriver) => Promise<T>): Promise<T> {
  try {
    return await fn(new DockerDriver());
  } catch (err) {
    throw asUserError(err);
  }
}
