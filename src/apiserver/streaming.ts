// The API server's side of the streaming subresources: pods/log, exec, attach and portforward go
// to the kubelet that runs the pod (its Node's InternalIP and daemonEndpoints port, with the
// API server's kubelet client certificate); pods/proxy and services/proxy go straight to the pod
// (pkg/registry/core/pod/strategy.go *Location, pkg/registry/core/service/proxy.go).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import httpProxy from 'http-proxy';
import { getPath, type KubeObject } from '../api/types.js';
import { badRequest, StatusError, type Status } from './errors.js';
import type { KeyPairPem } from './pki.js';

type Json = Record<string, unknown>;

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** Where a node's kubelet listens. */
export interface KubeletLocation {
  host: string;
  port: number;
}

function containerNames(pod: KubeObject, key: 'containers' | 'initContainers' | 'ephemeralContainers'): string[] {
  return ((getPath(pod, ['spec', key]) ?? []) as Json[]).map((c) => String(c.name));
}

/**
 * The container a log, exec or attach request means: the one named, else the default-container
 * annotation, else the only one; with several and none named, upstream's error.
 */
export function chooseContainer(pod: KubeObject, requested: string | null | undefined): string {
  const name = pod.metadata.name!;
  const all = [...containerNames(pod, 'containers'), ...containerNames(pod, 'initContainers'), ...containerNames(pod, 'ephemeralContainers')];
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const preferred = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const containers = containerNames(pod, 'containers');
  if (preferred && containers.includes(preferred)) return preferred;
  if (containers.length === 1) return containers[0]!;
  if (containers.length === 0) throw badRequest(`pod ${name} does not have a container`);
  const inits = containerNames(pod, 'initContainers');
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
  if (inits.length > 0) message += ` or one of the init containers: [${inits.join(' ')}]`;
  throw badRequest(message);
}

/** The node's kubelet endpoint: InternalIP (else any address) and daemonEndpoints.kubeletEndpoint.Port. */
export function kubeletLocation(node: KubeObject): KubeletLocation {
  const addresses = (getPath(node, ['status', 'addresses']) ?? []) as { type?: string; address?: string }[];
  const preferred = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'];
  const address = preferred.map((type) => addresses.find((a) => a.type === type)?.address).find(Boolean);
  if (!address) throw new StatusError(500, 'InternalError', `Internal error occurred: no preferred addresses found; known addresses: []`);
  const port = Number(getPath(node, ['status', 'daemonEndpoints', 'kubeletEndpoint', 'Port']) ?? 0);
  return { host: address, port: port > 0 ? port : 10250 };
}

/** The kubelet path for a pod subresource (upstream's *Location functions). */
export function kubeletPath(subresource: string, pod: KubeObject, container: string | undefined, params: URLSearchParams): string {
  const ns = encodeURIComponent(pod.metadata.namespace!);
  const name = encodeURIComponent(pod.metadata.name!);
  const query = new URLSearchParams();
  const pass = (keys: string[]) => {
    for (const key of keys) for (const value of params.getAll(key)) query.append(key, value);
  };
  let path: string;
  switch (subresource) {
    case 'log':
      path = `/containerLogs/${ns}/${name}/${encodeURIComponent(container!)}`;
      pass(['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes']);
      break;
    case 'exec':
    case 'attach':
      path = `/${subresource}/${ns}/${name}/${encodeURIComponent(container!)}`;
      pass(['command', 'stdin', 'stdout', 'stderr', 'tty', 'input', 'output', 'error']);
      break;
    case 'portforward':
      path = `/portForward/${ns}/${name}`;
      pass(['port', 'ports']);
      break;
    default:
      throw badRequest(`${subresource} is not served by the kubelet`);
  }
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

/** Splits "name", "name:port" and "scheme:name:port" (utilnet.SplitSchemeNamePort). */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  if (parts.length === 1) return { scheme: '', name: parts[0]!, port: '' };
  if (parts.length === 2) return { scheme: '', name: parts[0]!, port: parts[1]! };
  if (parts.length === 3 && (parts[0] === 'http' || parts[0] === 'https')) return { scheme: parts[0], name: parts[1]!, port: parts[2]! };
  return undefined;
}

/** The path after …/{name}/proxy, with the query (what the proxy asks the backend for). */
export function proxiedPath(url: URL): string {
  const m = /\/proxy(\/.*)?$/.exec(url.pathname);
  return (m?.[1] ?? '/') + url.search;
}

/** A pods/proxy target: the pod's IP and port (named, or the first declared container port). */
export function podProxyTarget(pod: KubeObject, scheme: string, port: string): string {
  let p = port;
  if (!p) {
    for (const c of (getPath(pod, ['spec', 'containers']) ?? []) as Json[]) {
      const first = (c.ports as { containerPort?: number }[] | undefined)?.[0]?.containerPort;
      if (first) {
        p = String(first);
        break;
      }
    }
  } else if (!/^\d+$/.test(p)) {
    for (const c of (getPath(pod, ['spec', 'containers']) ?? []) as Json[]) {
      const named = (c.ports as { name?: string; containerPort?: number }[] | undefined)?.find((x) => x.name === p);
      if (named?.containerPort) p = String(named.containerPort);
    }
  }
  const ip = String(getPath(pod, ['status', 'podIP']) ?? '');
  if (!ip) throw badRequest(`address not allowed`);
  return `${scheme || 'http'}://${ip}${p ? `:${p}` : ''}`;
}

/** A nodes/proxy target: the node's kubelet (https and its port unless the name says otherwise). */
export function nodeProxyTarget(node: KubeObject, scheme: string, port: string): string {
  const location = kubeletLocation(node);
  return `${scheme || 'https'}://${location.host}:${port || location.port}`;
}

/**
 * A services/proxy target: a ready endpoint address of the service port named (or numbered) in
 * the request (upstream's service ResourceLocation).
 */
export function serviceProxyTarget(service: KubeObject, endpoints: KubeObject | undefined, scheme: string, port: string, id: string): string {
  const name = service.metadata.name!;
  const ports = (getPath(service, ['spec', 'ports']) ?? []) as { name?: string; port?: number }[];
  let portName = port;
  const found = ports.find((p) => (p.name ?? '') === port) ?? ports.find((p) => String(p.port) === port);
  if (!found) throw new StatusError(503, 'ServiceUnavailable', `no service port "${port}" found for service "${name}"`);
  portName = found.name ?? '';
  const subsets = (getPath(endpoints ?? { metadata: {} }, ['subsets']) ?? []) as { addresses?: { ip?: string }[]; ports?: { name?: string; port?: number }[] }[];
  if (subsets.length === 0) throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  const start = Math.floor(Math.random() * subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const subset = subsets[(start + i) % subsets.length]!;
    const addresses = (subset.addresses ?? []).filter((a) => a.ip);
    if (addresses.length === 0) continue;
    const epPort = (subset.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!epPort?.port) continue;
    const address = addresses[Math.floor(Math.random() * addresses.length)]!;
    return `${scheme || 'http'}://${address.ip}:${epPort.port}`;
  }
  throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${id}"`);
}

const HOP_BY_HOP = new Set(['authorization', 'host', 'proxy-authorization']);

/** Talks to kubelets with the API server's client certificate; proxies to pods. */
export class KubeletClient {
  private readonly proxy = httpProxy.createProxyServer({ secure: false, ignorePath: true, xfwd: false });
  /** For nodes/proxy: the kubelet wants the API server's client certificate. */
  private readonly kubeletAgent: HttpsAgent;

  constructor(private readonly credential: KeyPairPem) {
    this.kubeletAgent = new HttpsAgent({ cert: credential.cert, key: credential.key, rejectUnauthorized: false, keepAlive: true });
  }

  /** Streams a kubelet GET (container logs) into the response; errors become Status replies. */
  async streamGet(location: KubeletLocation, path: string, res: ServerResponse, what: { resource: string; name: string }): Promise<void> {
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = httpsRequest({
        host: location.host,
        port: location.port,
        path,
        method: 'GET',
        cert: this.credential.cert,
        key: this.credential.key,
        rejectUnauthorized: false,
        headers: { Accept: '*/*' },
      }, resolve);
      r.once('error', (err) => reject(dialError(err)));
      r.end();
    });
    if (upstream.statusCode !== 200) {
      const body = await readAll(upstream, 64 * 1024);
      throw kubeletStatus(upstream.statusCode ?? 500, body.trim(), what);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    upstream.pipe(res);
    await new Promise<void>((resolve) => {
      const done = () => {
        upstream.destroy();
        resolve();
      };
      upstream.once('end', done);
      upstream.once('error', done);
      res.once('close', done);
    });
  }

  /**
   * Pipes an upgrade request (WebSocket or SPDY) to the kubelet and the raw connections both
   * ways: the kubelet answers the handshake itself, so every protocol passes unchanged.
   */
  upgrade(location: KubeletLocation, path: string, req: IncomingMessage, client: Duplex, head: Buffer): void {
    const backend = tlsConnect({
      host: location.host,
      port: location.port,
      cert: this.credential.cert,
      key: this.credential.key,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    let connected = false;
    backend.once('secureConnect', () => {
      connected = true;
      const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${location.host}:${location.port}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        if (HOP_BY_HOP.has(name.toLowerCase())) continue;
        lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
      }
      backend.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) backend.write(head);
      backend.pipe(client);
      client.pipe(backend);
    });
    backend.once('error', (err) => {
      if (!connected) writeRawStatus(client, dialError(err).toStatus());
      else client.destroy();
    });
    client.once('error', () => backend.destroy());
    client.once('close', () => backend.destroy());
    // A clean end reaches the client through pipe() (its last bytes flushed); only a broken
    // kubelet connection cuts the client off.
    backend.once('close', (hadError: boolean) => {
      if (hadError && connected) client.destroy();
    });
  }

  /** Proxies a plain HTTP request to `target` (scheme://host:port) at `path`. */
  web(req: IncomingMessage, res: ServerResponse, target: string, path: string, toKubelet = false): Promise<void> {
    for (const h of ['authorization', 'proxy-authorization']) delete req.headers[h];
    const agent = toKubelet && target.startsWith('https:') ? { agent: this.kubeletAgent } : {};
    return new Promise((resolve) => {
      res.once('close', () => resolve());
      this.proxy.web(req, res, { target: target + path, changeOrigin: true, ...agent }, (err) => {
        if (!res.headersSent) {
          const status = new StatusError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`).toStatus();
          res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify(status));
        } else {
          res.destroy();
        }
        resolve();
      });
    });
  }

  /** Proxies an upgrade request (a WebSocket) to `target` at `path`. */
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: string, path: string, toKubelet = false): void {
    for (const h of ['authorization', 'proxy-authorization']) delete req.headers[h];
    const agent = toKubelet && target.startsWith('https:') ? { agent: this.kubeletAgent } : {};
    this.proxy.ws(req, socket, head, { target: target.replace(/^http/, 'ws') + path, changeOrigin: true, ...agent }, (err) => {
      writeRawStatus(socket, new StatusError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`).toStatus());
    });
  }

  close(): void {
    this.proxy.close();
    this.kubeletAgent.destroy();
  }
}

function dialError(err: Error): StatusError {
  return new StatusError(500, 'InternalError', `error dialing backend: ${err.message}`);
}

/** The kubelet's error reply as a Status (apiserver's GenericHttpResponseChecker). */
function kubeletStatus(code: number, body: string, what: { resource: string; name: string }): StatusError {
  const reasons: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 500: 'InternalError', 503: 'ServiceUnavailable' };
  const message = body || `the server responded with the status code ${code} but did not return more information (${what.resource} ${what.name})`;
  return new StatusError(code, reasons[code] ?? 'Unknown', message);
}

function readAll(stream: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      if (text.length < limit) text += d;
    });
    stream.once('end', () => resolve(text));
    stream.once('error', () => resolve(text));
  });
}

const REASON_PHRASES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** A Status reply on a connection that asked to upgrade (there is no ServerResponse for it). */
export function writeRawStatus(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${REASON_PHRASES[status.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
