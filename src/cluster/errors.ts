// Errors a user can fix carry the fix and a distinct exit code; anything else is a bug. They live
// here, below the CLI, because the cluster layer raises them too; the CLI re-exports them.

/**
 * Exit codes, one per kind of trouble a user can fix, so scripts can branch on them (as they do
 * on minikube's). Existing values never change meaning.
 *   0 ok                  the command did what was asked
 *   1 bug                 anything unexpected: a bug report
 *   2 usage               bad flags, arguments or values (commander's own errors end here too)
 *   3 dockerUnavailable   no Docker engine: not installed, not running, or its socket not permitted
 *   4 notFound            the named profile, node, service or addon does not exist
 *   5 clusterDown         the cluster exists but is stopped, paused or not answering
 *   6 configInvalid       a stored file (profile, config, kubeconfig) cannot be read or parsed
 *   7 conflict            the thing already exists or is held by another process (e.g. a lock)
 *   8 timeout             waiting for something (--wait, a lock) took too long
 * 130 interrupted         stopped by Ctrl-C (128 + SIGINT, as shells report it)
 */
export const ExitCode = {
  ok: 0,
  bug: 1,
  usage: 2,
  dockerUnavailable: 3,
  notFound: 4,
  clusterDown: 5,
  configInvalid: 6,
  conflict: 7,
  timeout: 8,
  interrupted: 130,
} as const;

export class UserError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
