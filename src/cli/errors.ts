// Errors a user can fix carry the fix and a distinct exit code; anything else is a bug.

export const ExitCode = {
  ok: 0,
  bug: 1,
  usage: 2,
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
