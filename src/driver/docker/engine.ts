// The connection to the Docker engine and the one place engine errors get their context.
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { DockerUnavailableError, DriverError } from '../errors.js';

export function connect(): Docker {
  // With no options docker-modem honours DOCKER_HOST and falls back to /var/run/docker.sock.
  return new Docker();
}

interface EngineError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  statusCode?: number;
  json?: { message?: string } | null;
}

/** The engine's HTTP status of a failed call, if it answered at all. */
export function statusOf(err: unknown): number | undefined {
  return (err as EngineError)?.statusCode;
}

/** The engine's own words for a failed call, without dockerode's "(HTTP code …)" prefix. */
export function messageOf(err: unknown): string {
  const e = err as EngineError;
  const text = e?.json?.message ?? e?.message ?? String(err);
  return text.trim();
}

/** Connection failures mean there is no usable engine: say how to get one. */
function unavailable(err: EngineError): DockerUnavailableError | undefined {
  // Only a failed connect means no engine; ENOENT from anything else is an ordinary error.
  if (err?.statusCode !== undefined || err?.syscall !== 'connect') return undefined;
  const socket = err?.address ? `${err.address}${err.port ? `:${err.port}` : ''}` : (process.env.DOCKER_HOST ?? '/var/run/docker.sock');
  switch (err?.code) {
    case 'ENOENT':
      return existsSync('/usr/bin/dockerd') || existsSync('/usr/sbin/dockerd')
        ? new DockerUnavailableError(`the Docker engine is not running (no socket at ${socket})`, 'start it: dockerd (or systemctl start docker)', { cause: err })
        : new DockerUnavailableError('Docker is not installed', 'install Docker: apt-get install docker.io, then start it: dockerd', { cause: err });
    case 'ECONNREFUSED':
      return new DockerUnavailableError(`the Docker engine is not running (${socket} refuses connections)`, 'start it: dockerd (or systemctl start docker)', { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new DockerUnavailableError(`no permission to use the Docker engine at ${socket}`, 'add yourself to the docker group: sudo usermod -aG docker $USER, then log in again', { cause: err });
    default:
      return undefined;
  }
}

/** Runs one engine call; failures read "failed to <what>: <engine's message>". */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrap(what, err);
  }
}

export function wrap(what: string, err: unknown): Error {
  if (err instanceof DockerUnavailableError) return err;
  const down = unavailable(err as EngineError);
  if (down) return down;
  const inner = err instanceof DriverError ? err.message : messageOf(err);
  const wrapped = new DriverError(`failed to ${what}: ${inner}`, { cause: err }) as DriverError & { statusCode?: number };
  wrapped.statusCode = statusOf(err);
  return wrapped;
}

/** Whether a failed call (wrapped or not) was the engine saying "no such object". */
export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404 || statusOf((err as { cause?: unknown })?.cause) === 404;
}
