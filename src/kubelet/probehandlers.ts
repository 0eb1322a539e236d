// The probe actions (pkg/kubelet/prober/prober.go and pkg/probe/{http,tcp,exec,grpc}): each runs
// once within the probe's timeout and answers success or failure with the output the kubelet puts
// in its Unhealthy events ("HTTP probe failed with statuscode: 500").
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as http2Connect, constants as h2 } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { KUBERNETES_VERSION } from '../api/version.js';
import type { ExecSyncResult } from './runtime.js';
import type { Json } from './podstatus.js';

/** warning: a success the kubelet reports (a redirect it did not follow); error: the probe could not run. */
export type ProbeOutcome = { result: 'success' | 'failure' | 'warning' | 'error'; output: string };

export interface ProbeTarget {
  /** The pod's IP (the default host of httpGet, tcpSocket and grpc). */
  podIP: string;
  /** The container's spec: its ports name the named ports probes may use. */
  container: Json;
  timeoutMs: number;
  exec?: (cmd: string[], timeoutMs: number) => Promise<ExecSyncResult>;
}

/** The kubelet reads at most this much of a probe's body or output (prober's maxReadLength). */
const MAX_READ = 10 * 1024;

/** A port given as a number, a numeric string or the name of one of the container's ports. */
export function resolvePort(port: unknown, container: Json): number {
  if (typeof port === 'number') return port;
  const text = String(port ?? '');
  if (/^\d+$/.test(text)) return Number(text);
  const ports = Array.isArray(container.ports) ? (container.ports as Json[]) : [];
  const found = ports.find((p) => p.name === text);
  // The kubelet falls back to parsing the name as a number, and reports that failure.
  if (!found) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(found.containerPort);
}

/** Go's wording for the dial errors Node reports by code. */
function dialError(err: NodeJS.ErrnoException, host: string, port: number): string {
  const target = `dial tcp ${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (err.code) {
    case 'ECONNREFUSED': return `${target}: connect: connection refused`;
    case 'EHOSTUNREACH': return `${target}: connect: no route to host`;
    case 'ENETUNREACH': return `${target}: connect: network is unreachable`;
    case 'ETIMEDOUT': return `${target}: i/o timeout`;
    case 'ECONNRESET': return 'read: connection reset by peer';
    default: return `${target}: ${err.message}`;
  }
}

/** Runs one probe of any kind. */
export async function runProbe(probe: Json, target: ProbeTarget): Promise<ProbeOutcome> {
  try {
    if (probe.exec) return await execProbe(probe.exec as Json, target);
    if (probe.httpGet) return await httpProbe(probe.httpGet as Json, target);
    if (probe.tcpSocket) return await tcpProbe(probe.tcpSocket as Json, target);
    if (probe.grpc) return await grpcProbe(probe.grpc as Json, target);
    return { result: 'error', output: 'missing probe handler' };
  } catch (err) {
    return { result: 'error', output: (err as Error).message };
  }
}

// ---- exec ---------------------------------------------------------------------------------------

async function execProbe(action: Json, t: ProbeTarget): Promise<ProbeOutcome> {
  const cmd = Array.isArray(action.command) ? action.command.map(String) : [];
  if (!t.exec) return { result: 'error', output: 'exec probes are not supported by this runtime' };
  try {
    const { exitCode, output } = await t.exec(cmd, t.timeoutMs);
    const text = output.slice(0, MAX_READ);
    return { result: exitCode === 0 ? 'success' : 'failure', output: text };
  } catch (err) {
    if ((err as Error).name === 'ExecTimeoutError') return { result: 'failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
    throw err;
  }
}

// ---- httpGet ------------------------------------------------------------------------------------

function goUrl(scheme: string, host: string, port: number, path: string): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Redirects an HTTP probe follows on the same host, as Go's client does. */
const MAX_REDIRECTS = 10;

interface HttpAnswer {
  code: number;
  body: string;
  location?: string;
}

/** One GET; rejects with the probe's failure output (Go's wording) when there is no answer in time. */
function getOnce(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: string | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (err !== undefined) reject(new Error(err));
      else resolve(answer!);
    };
    const req = send(url, { method: 'GET', headers, rejectUnauthorized: false }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < MAX_READ) body += c;
      });
      res.on('end', () => done(undefined, { code: res.statusCode ?? 0, body: body.slice(0, MAX_READ), location: res.headers.location }));
      res.on('error', (err) => done(`Get ${JSON.stringify(url)}: ${err.message}`));
    });
    const timer = setTimeout(() => done(`Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done(`Get ${JSON.stringify(url)}: ${dialError(err, host, port)}`));
    req.end();
  });
}

/**
 * GET from the agent to the pod (pkg/probe/http): 200–399 is success, any other answer or none a
 * failure. Redirects on the same host are followed; one to another host ends the probe with a
 * warning (which counts as success).
 */
export async function httpProbe(action: Json, t: ProbeTarget): Promise<ProbeOutcome> {
  const scheme = String(action.scheme ?? 'HTTP').toLowerCase();
  const host = typeof action.host === 'string' && action.host !== '' ? action.host : t.podIP;
  const port = resolvePort(action.port, t.container);
  const path = typeof action.path === 'string' && action.path !== '' ? action.path : '/';
  const headers: Record<string, string> = { 'User-Agent': `kube-probe/${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`, Accept: '*/*' };
  for (const h of (Array.isArray(action.httpHeaders) ? action.httpHeaders : []) as Json[]) {
    const name = String(h.name ?? '');
    const lower = name.toLowerCase();
    const key = lower === 'host' ? 'Host' : lower === 'user-agent' ? 'User-Agent' : lower === 'accept' ? 'Accept' : name;
    headers[key] = String(h.value ?? '');
  }
  const deadline = Date.now() + t.timeoutMs;
  let url = goUrl(scheme, host, port, path);
  for (let hops = 0; ; hops++) {
    let answer: HttpAnswer;
    try {
      answer = await getOnce(url, headers, Math.max(1, deadline - Date.now()));
    } catch (err) {
      return { result: 'failure', output: (err as Error).message };
    }
    const { code, body, location } = answer;
    if (code >= 300 && code < 400 && location) {
      const next = new URL(location, url);
      if (next.hostname === new URL(url).hostname && hops < MAX_REDIRECTS) {
        url = next.toString();
        continue;
      }
      if (hops >= MAX_REDIRECTS) return { result: 'failure', output: `Get ${JSON.stringify(next.toString())}: stopped after 10 redirects` };
      return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
    }
    if (code >= 200 && code < 400) return { result: 'success', output: body };
    return { result: 'failure', output: `HTTP probe failed with statuscode: ${code}` };
  }
}

// ---- tcpSocket ----------------------------------------------------------------------------------

/** A TCP connection that opens within the timeout is a success. */
export function tcpProbe(action: Json, t: ProbeTarget): Promise<ProbeOutcome> {
  const host = typeof action.host === 'string' && action.host !== '' ? action.host : t.podIP;
  const port = resolvePort(action.port, t.container);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const finish = (o: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` }), t.timeoutMs);
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ result: 'failure', output: dialError(err, host, port) }));
  });
}

// ---- grpc ---------------------------------------------------------------------------------------

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
/** grpc-go's names of the status codes, as its errors print them. */
const GRPC_CODES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** grpc.health.v1.HealthCheckRequest { string service = 1; } in a gRPC length-prefixed frame. */
export function healthCheckFrame(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const message = name.length > 0 ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status from a response frame. */
export function servingStatus(frame: Buffer): number {
  if (frame.length < 5) return 0;
  const message = frame.subarray(5, 5 + frame.readUInt32BE(1));
  for (let i = 0; i < message.length;) {
    const tag = message[i++]!;
    let value = 0;
    let shift = 0;
    while (i < message.length) {
      const b = message[i++]!;
      value |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (tag === 0x08) return value;
    if ((tag & 7) === 2) i += value; // a length-delimited field we do not know
  }
  return 0;
}

/** The standard gRPC health protocol over plaintext HTTP/2 (what the kubelet's grpc probe speaks). */
export function grpcProbe(action: Json, t: ProbeTarget): Promise<ProbeOutcome> {
  const port = Number(action.port);
  const service = typeof action.service === 'string' ? action.service : '';
  const address = `${t.podIP}:${port}`;
  const seconds = `${Math.round(t.timeoutMs / 1000)}s`;
  return new Promise((resolve) => {
    const session = http2Connect(`http://${address}`);
    let settled = false;
    const finish = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: `timeout: health rpc did not complete within ${seconds}` }), t.timeoutMs);
    let connected = false;
    session.once('connect', () => { connected = true; });
    session.on('error', (err: NodeJS.ErrnoException) => finish({ result: 'failure', output: `timeout: failed to connect service ${JSON.stringify(address)} within ${seconds}: ${dialError(err, t.podIP, port)}` }));
    const req = session.request({
      [h2.HTTP2_HEADER_METHOD]: 'POST',
      [h2.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': `kube-probe/${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`,
    });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    let grpcMessage = '';
    req.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) grpcStatus = String(headers['grpc-status']);
    });
    req.on('trailers', (trailers) => {
      grpcStatus = String(trailers['grpc-status'] ?? grpcStatus ?? '');
      grpcMessage = String(trailers['grpc-message'] ?? '');
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    // Before the connection is up the stream only says it was cancelled: the session says why.
    req.on('error', (err) => {
      if (connected) finish({ result: 'failure', output: `error: health rpc probe failed: ${err.message}` });
    });
    req.on('end', () => {
      if (grpcStatus !== undefined && grpcStatus !== '0') {
        finish({ result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${GRPC_CODES[Number(grpcStatus)] ?? grpcStatus} desc = ${decodeURIComponent(grpcMessage)}` });
        return;
      }
      const status = servingStatus(Buffer.concat(chunks));
      if (status === 1) finish({ result: 'success', output: '' });
      else finish({ result: 'failure', output: `service unhealthy (responded with ${JSON.stringify(SERVING_STATUS[status] ?? String(status))})` });
    });
    req.end(healthCheckFrame(service));
  });
}
