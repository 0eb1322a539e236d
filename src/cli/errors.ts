// The user-facing errors and exit codes, defined in the cluster layer that raises most of them.
export { ExitCode, UserError } from '../cluster/errors.js';
