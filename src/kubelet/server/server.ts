// The kubelet's HTTPS server (pkg/kubelet/server/server.go, trimmed to what the API server calls):
// container logs, exec, attach and port-forward for the pods of every node this process runs, and
// the node's stats (/stats/summary, /metrics/resource) when it runs one.
// One server per agent process; its port is each Node's status.daemonEndpoints.kubeletEndpoint.
//
// Only the API server may call it: a client certificate signed by the cluster CA whose subject is
// kube-apiserver-kubelet-client or whose group (O) is system:masters. The serving certificate is
// self-signed, as a kubelet's without --tls-cert-file; the API server does not verify it (upstream
// without --kubelet-certificate-authority).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { KubeObject } from '../../api/types.js';
import { createCa, KUBELET_CLIENT_CN, KUBELET_CLIENT_GROUP, signLeaf, type KeyPairPem } from '../../apiserver/pki.js';
import type { Runtime } from '../runtime.js';
import { logContainerId, runningContainerId } from './containers.js';
import { KubeletHttpError, parseCommand, parseLogQuery, parsePorts, parseRoute, parseStdioQuery, type KubeletRoute } from './paths.js';
import { PORT_FORWARD_PROTOCOL, servePortForward, serveWebSocketPortForward, TUNNELED_PORT_FORWARD_PROTOCOL, WEBSOCKET_PORT_FORWARD_PROTOCOLS } from './portforward.js';
import { headerList, negotiate, serveStdio, SPDY_PROTOCOLS, spdyStdio, StreamProtocol, websocketStdio, WEBSOCKET_PROTOCOLS, type RemoteStdio } from './remotecommand.js';
import { SpdySession } from './spdy.js';
import { PROMETHEUS_TEXT, renderResourceMetrics } from '../stats/resourcemetrics.js';
import { summaryJson, type SummaryProvider } from '../stats/summary.js';


/** A pod this process runs, and the runtime of its node. */
export interface StreamingPod {
  pod: KubeObject;
  runtime: Runtime;
}

export interface KubeletServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The cluster CA that signs the API server's client certificate. */
  clientCaPem: string;
  /** Names and IPs for the self-signed serving certificate. */
  names: string[];
  lookup(namespace: string, name: string): StreamingPod | undefined;
  /**
   * The node's stats (/stats/summary, /metrics/resource); absent when the process runs several
   * hollow nodes behind this one server, which could not tell whose stats a request wants.
   */
  stats?: SummaryProvider;
  log?: (message: string) => void;
}

/** A self-signed serving certificate (a throwaway CA and a leaf, as the kubelet makes). */
export async function selfSignedServing(host: string, names: string[]): Promise<KeyPairPem> {
  const ca = await createCa(`${host}-ca@${Math.floor(Date.now() / 1000)}`);
  const ips = names.filter((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n));
  const dnsNames = names.filter((n) => !ips.includes(n));
  const leaf = await signLeaf(ca, { commonName: `${host}@${Math.floor(Date.now() / 1000)}`, usage: 'server', dnsNames, ips });
  return { cert: leaf.cert + ca.cert, key: leaf.key };
}

/** Who the client certificate says the caller is, or why it is refused. */
export function clientIdentity(socket: TLSSocket): { user: string; groups: string[] } | { status: 401 | 403; message: string } {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0 || !socket.authorized) return { status: 401, message: 'Unauthorized' };
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const user = String(subject.CN ?? '');
  const groups = ([] as string[]).concat(subject.O ?? []);
  if (user === KUBELET_CLIENT_CN || groups.includes(KUBELET_CLIENT_GROUP)) return { user, groups };
  return { status: 403, message: `Forbidden (user=${user}, verb=create, resource=nodes, subresource(s)=[proxy])` };
}

export class KubeletServer {
  private server?: Server;
  private readonly wss = new WebSocketServer({
    noServer: true,
    // The subprotocol is picked per request (exec or port-forward) before the upgrade.
    handleProtocols: (_offered, req) => (req as IncomingMessage & { chosenProtocol?: string }).chosenProtocol || false,
  });
  private readonly live = new Set<Duplex>();

  constructor(private readonly o: KubeletServerOptions) {}

  async start(): Promise<number> {
    const serving = await selfSignedServing(this.o.host ?? 'kubelet', this.o.names);
    this.server = createServer({
      cert: serving.cert,
      key: serving.key,
      ca: this.o.clientCaPem || undefined,
      requestCert: true,
      rejectUnauthorized: false, // answered with 401 instead of a TLS alert
    }, (req, res) => void this.serve(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head));
    this.server.requestTimeout = 0;
    this.server.on('connection', (socket: Socket) => {
      this.live.add(socket);
      socket.once('close', () => this.live.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.host ?? '0.0.0.0', () => resolve());
    });
    return this.port;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.o.port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.live) socket.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private log(message: string): void {
    this.o.log?.(`kubelet server: ${message}`);
  }

  private authenticate(req: IncomingMessage): KubeletHttpError | undefined {
    const who = clientIdentity(req.socket as TLSSocket);
    return 'status' in who ? new KubeletHttpError(who.status, who.message) : undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const denied = this.authenticate(req);
      if (denied) throw denied;
      const url = new URL(req.url ?? '/', 'https://kubelet');
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      // Upstream authorizes these as nodes/stats and nodes/metrics for its webhook; here the API
      // server's nodes/proxy check decided already, and the client certificate was checked above.
      if (url.pathname === '/stats/summary' || url.pathname === '/metrics/resource') {
        await this.stats(req, url.pathname, res);
        return;
      }
      const route = parseRoute(url.pathname);
      if (!route) throw new KubeletHttpError(404, '404 page not found');
      if (route.kind !== 'containerLogs') throw new KubeletHttpError(400, 'Upgrade request required');
      await this.containerLogs(route, url.searchParams, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const e = err instanceof KubeletHttpError ? err : new KubeletHttpError(500, (err as Error).message);
      if (e.code === 500) this.log(`${req.method} ${req.url}: ${e.message}`);
      res.writeHead(e.code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(e.message);
    }
  }

  private async stats(req: IncomingMessage, path: string, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new KubeletHttpError(405, `${req.method ?? ''} is not allowed on ${path}`);
    const provider = this.o.stats;
    if (!provider) throw new KubeletHttpError(404, 'this agent runs several nodes behind one kubelet server: it serves no node stats');
    if (path === '/stats/summary') {
      let body: string;
      try {
        body = JSON.stringify(summaryJson(await provider.summary()), null, 2);
      } catch (err) {
        throw new KubeletHttpError(500, `failed to get node info: ${(err as Error).message}`);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      return;
    }
    // A failed scrape is still a 200, with resource_scrape_error 1 (CollectWithStability).
    const summary = await provider.summary().catch((err: Error) => {
      this.log(`resource metrics: ${err.message}`);
      return undefined;
    });
    res.writeHead(200, { 'Content-Type': PROMETHEUS_TEXT }).end(renderResourceMetrics(summary));
  }

  private target(namespace: string, name: string): StreamingPod {
    const found = this.o.lookup(namespace, name);
    if (!found) throw new KubeletHttpError(404, `pod "${name}" does not exist`);
    return found;
  }

  private async containerLogs(route: Extract<KubeletRoute, { kind: 'containerLogs' }>, params: URLSearchParams, res: ServerResponse): Promise<void> {
    const query = parseLogQuery(params);
    const { pod, runtime } = this.target(route.namespace, route.pod);
    const id = ownContainer(runtime, pod, route.container, logContainerId(pod, route.container, query.previous));
    const output = await runtime.logs(id, query);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    let left = query.limitBytes ?? Infinity;
    await new Promise<void>((resolve) => {
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        output.destroy();
        if (!res.writableEnded) res.end();
        resolve();
      };
      output.on('data', (chunk: Buffer) => {
        if (finished) return;
        const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        if (!res.write(piece)) {
          output.pause();
          res.once('drain', () => output.resume());
        }
        if (left <= 0) done();
      });
      output.once('end', done);
      output.once('error', done);
      res.once('close', done); // the client stopped following (or the response ended)
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const denied = this.authenticate(req);
      if (denied) throw denied;
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const route = parseRoute(url.pathname);
      if (!route || route.kind === 'containerLogs') throw new KubeletHttpError(404, '404 page not found');
      const websocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
      if (route.kind === 'portForward') return this.portForward(route, url.searchParams, req, socket, head, websocket);
      return await this.remoteCommand(route, url.searchParams, req, socket, head, websocket);
    } catch (err) {
      const e = err instanceof KubeletHttpError ? err : new KubeletHttpError(500, (err as Error).message);
      if (e.code === 500) this.log(`${req.method} ${req.url}: ${e.message}`);
      rawError(socket, e.code, e.message);
    }
  }

  private async remoteCommand(route: Extract<KubeletRoute, { kind: 'exec' | 'attach' }>, params: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, websocket: boolean): Promise<void> {
    const request = parseStdioQuery(params);
    const command = route.kind === 'exec' ? parseCommand(params) : undefined;
    const { pod, runtime } = this.target(route.namespace, route.pod);
    const id = ownContainer(runtime, pod, route.container, runningContainerId(pod, route.container));
    let remote: RemoteStdio;
    if (websocket) {
      const protocol = negotiate(headerList(req.headers['sec-websocket-protocol']), WEBSOCKET_PROTOCOLS);
      if (!protocol) throw new KubeletHttpError(400, `unable to upgrade: unable to negotiate protocol: client supports [${headerList(req.headers['sec-websocket-protocol']).join(' ')}], server accepts [${WEBSOCKET_PROTOCOLS.join(' ')}]`);
      const ws = await this.acceptWebSocket(req, socket, head, protocol);
      remote = websocketStdio(ws, protocol, request);
    } else {
      const session = this.acceptSpdy(req, socket, head, SPDY_PROTOCOLS, StreamProtocol.V1);
      if (!session) return;
      remote = await spdyStdio(session.session, session.protocol, request);
    }
    let streams;
    try {
      streams = command
        ? await runtime.exec(id, { ...request, command })
        // An attach ends with the container but reports no exit code: kubectl run -i takes it
        // from the pod's status (a Failure here would make it fall back to reading the logs).
        : { ...(await runtime.attach(id, request)), exitCode: async () => 0 };
    } catch (err) {
      await remote.finish({ error: (err as Error).message }, command);
      return;
    }
    await serveStdio(remote, streams, command);
  }

  private portForward(route: Extract<KubeletRoute, { kind: 'portForward' }>, params: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, websocket: boolean): void {
    const { pod } = this.target(route.namespace, route.pod);
    const ip = String((pod.status as { podIP?: unknown } | undefined)?.podIP ?? '');
    if (!ip) throw new KubeletHttpError(400, `pod "${route.pod}" has no IP yet`);
    const target = { ip, describe: `pod ${route.namespace}/${route.pod}, uid ${pod.metadata.uid ?? ''}` };
    if (websocket) {
      const offered = headerList(req.headers['sec-websocket-protocol']);
      if (!offered.includes(TUNNELED_PORT_FORWARD_PROTOCOL)) {
        const protocol = negotiate(offered, WEBSOCKET_PORT_FORWARD_PROTOCOLS);
        if (!protocol && offered.length > 0) {
          const accepted = [TUNNELED_PORT_FORWARD_PROTOCOL, ...WEBSOCKET_PORT_FORWARD_PROTOCOLS];
          throw new KubeletHttpError(400, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${accepted.join(' ')}]`);
        }
        const ports = parsePorts(params);
        if (ports.length === 0) throw new KubeletHttpError(400, 'query parameter "port" is required');
        void this.acceptWebSocket(req, socket, head, protocol ?? '').then((ws) => serveWebSocketPortForward(ws, ports, target));
        return;
      }
      void this.acceptWebSocket(req, socket, head, TUNNELED_PORT_FORWARD_PROTOCOL).then((ws) => {
        const tunnel = createWebSocketStream(ws, { allowHalfOpen: false });
        tunnel.on('error', () => tunnel.destroy());
        servePortForward(new SpdySession(tunnel), target);
      });
      return;
    }
    const session = this.acceptSpdy(req, socket, head, [PORT_FORWARD_PROTOCOL], PORT_FORWARD_PROTOCOL);
    if (session) servePortForward(session.session, target);
  }

  private acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
    (req as IncomingMessage & { chosenProtocol?: string }).chosenProtocol = protocol;
    return new Promise((resolve) => this.wss.handleUpgrade(req, socket, head, (ws) => resolve(ws)));
  }

  /**
   * The SPDY/3.1 upgrade (httpstream/spdy.responseUpgrader): 101 with the negotiated
   * X-Stream-Protocol-Version; a client that names no version gets `legacy`.
   */
  private acceptSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, supported: readonly string[], legacy: string): { session: SpdySession; protocol: string } | undefined {
    if (!/^spdy\/3\.1$/i.test(String(req.headers.upgrade ?? ''))) throw new KubeletHttpError(400, 'unable to upgrade: missing upgrade headers in request');
    const offered = headerList(req.headers['x-stream-protocol-version']);
    let protocol = legacy;
    if (offered.length > 0) {
      const chosen = negotiate(offered, supported);
      if (!chosen) {
        throw new KubeletHttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`);
      }
      protocol = chosen;
    }
    const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
    if (offered.length > 0) lines.push(`X-Stream-Protocol-Version: ${protocol}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    return { session: new SpdySession(socket), protocol };
  }
}

/**
 * A container id of this runtime's scheme ("docker://…"). The control plane's mirror pods carry
 * "skiff://" ids: their components run inside the node's own skiff process, not as containers.
 */
function ownContainer(runtime: Runtime, pod: KubeObject, container: string, id: string): string {
  if (id.startsWith(`${runtime.type}://`)) return id;
  if (id.startsWith('skiff://')) {
    throw new KubeletHttpError(400, `container "${container}" in pod "${pod.metadata.name}" runs inside the node's skiff process, not as a container: read its output with \`skiff logs\``);
  }
  throw new KubeletHttpError(500, `container not found ("${container}")`);
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };
const STATUS_REASONS: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 500: 'InternalError' };

/**
 * An error on a connection that asked to upgrade (no ServerResponse exists for it), as a Status:
 * client-go decodes a failed upgrade's body as one, and plain text such as "a: b" would decode
 * as YAML into an empty Status.
 */
export function rawError(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: STATUS_REASONS[code] ?? 'Unknown', code });
  socket.end(`HTTP/1.1 ${code} ${REASONS[code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
