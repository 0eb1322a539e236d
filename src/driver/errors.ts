// Driver errors the CLI turns into messages a user can act on (it maps them to its UserError).

/** The container engine is not installed, not running, or not reachable by this user. */
export class DockerUnavailableError extends Error {
  readonly kind = 'docker-unavailable' as const;
  constructor(
    message: string,
    /** What the user can do about it, such as "install Docker: apt-get install docker.io". */
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DockerUnavailableError';
  }
}

/** Adds lowercase context to an error from the engine, keeping the original as the cause. */
export class DriverError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriverError';
  }
}
