// The kubelet server's paths and their query parameters, as the API server sends them
// (pkg/kubelet/server/server.go, and the API server's pod/strategy.go *Location functions).
import type { LogRequest, StdioRequest } from '../runtime.js';

export type KubeletRoute =
  | { kind: 'containerLogs'; namespace: string; pod: string; container: string }
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string };

/** A client error the server answers with a status code and a plain-text message. */
export class KubeletHttpError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'KubeletHttpError';
  }
}

/**
 * /containerLogs/{ns}/{pod}/{container}, /exec/{ns}/{pod}/{container}, /attach/…, and
 * /portForward/{ns}/{pod}. The uid-qualified forms (/exec/{ns}/{pod}/{uid}/{container}) are
 * accepted too, the uid ignored.
 */
export function parseRoute(pathname: string): KubeletRoute | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [kind, namespace, pod, ...rest] = parts;
  if (!namespace || !pod) return undefined;
  switch (kind) {
    case 'containerLogs':
      return rest.length === 1 ? { kind, namespace, pod, container: rest[0]! } : undefined;
    case 'exec':
    case 'attach':
      if (rest.length === 1 || rest.length === 2) return { kind, namespace, pod, container: rest[rest.length - 1]! };
      return undefined;
    case 'portForward':
      return rest.length <= 1 ? { kind, namespace, pod } : undefined;
    default:
      return undefined;
  }
}

function flag(params: URLSearchParams, name: string): boolean {
  const v = params.get(name);
  return v === 'true' || v === '1';
}

function nonNegativeInt(params: URLSearchParams, name: string, min: number): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new KubeletHttpError(400, `${name}: invalid value "${v}": must be an integer`);
  const n = Number(v);
  if (n < min) throw new KubeletHttpError(400, `${name}: Invalid value: ${n}: must be greater than ${min === 0 ? 'or equal to 0' : min - 1}`);
  return n;
}

export interface ContainerLogQuery extends LogRequest {
  previous: boolean;
  limitBytes?: number;
}

/** PodLogOptions from the query (validation as core/validation ValidatePodLogOptions). */
export function parseLogQuery(params: URLSearchParams, now: number = Date.now()): ContainerLogQuery {
  const tailLines = nonNegativeInt(params, 'tailLines', 0);
  const limitBytes = nonNegativeInt(params, 'limitBytes', 1);
  const sinceSeconds = nonNegativeInt(params, 'sinceSeconds', 1);
  const sinceTime = params.get('sinceTime') || undefined;
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    throw new KubeletHttpError(400, 'at most one of `sinceTime` or `sinceSeconds` may be specified');
  }
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = now / 1000 - sinceSeconds;
  if (sinceTime !== undefined) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw new KubeletHttpError(400, `sinceTime: invalid value "${sinceTime}": must be an RFC 3339 time`);
    since = ms / 1000;
  }
  return {
    follow: flag(params, 'follow'),
    previous: flag(params, 'previous'),
    timestamps: flag(params, 'timestamps'),
    tailLines,
    limitBytes,
    since,
  };
}

/**
 * Which streams an exec or attach wants (kubelet/cri/streaming/remotecommand NewOptions): a tty
 * carries stderr in its one stream, and at least one stream is required.
 */
export function parseStdioQuery(params: URLSearchParams): StdioRequest {
  const tty = flag(params, 'tty');
  const stdin = flag(params, 'stdin') || flag(params, 'input');
  const stdout = flag(params, 'stdout') || flag(params, 'output');
  const stderr = !tty && (flag(params, 'stderr') || flag(params, 'error'));
  if (!stdin && !stdout && !stderr) throw new KubeletHttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  return { stdin, stdout, stderr, tty };
}

/** The command of an exec: one `command` parameter per argument. */
export function parseCommand(params: URLSearchParams): string[] {
  const command = params.getAll('command');
  if (command.length === 0) throw new KubeletHttpError(400, 'you must specify a command');
  return command;
}

/** Ports of a WebSocket port-forward (`?port=80&port=443` or `?ports=80,443`). */
export function parsePorts(params: URLSearchParams): number[] {
  const raw = [...params.getAll('port'), ...params.getAll('ports')].flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  return raw.map((p) => parsePort(p));
}

export function parsePort(text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new KubeletHttpError(400, `unable to parse "${text ?? ''}" as a port`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new KubeletHttpError(400, `port "${text}" must be > 0 and < 65536`);
  return port;
}
