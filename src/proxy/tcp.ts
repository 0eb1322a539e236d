// One TCP socket of the userspace proxy: accepts on a ClusterIP or NodePort, picks an endpoint,
// dials it (trying others on failure, as upstream's tryConnect) and splices the two connections,
// half-closes included. With no endpoint the client is reset at once, as kube-proxy rejects.
import net from 'node:net';
import { BindRetry, clientAddress } from './retry.js';
import type { Logger, Picker } from './types.js';

/** Upstream's EndpointDialTimeouts: one attempt per entry, each at a (possibly) new endpoint. */
export const DIAL_TIMEOUTS_MS = [250, 500, 1000, 2000];

export interface TcpProxyOptions {
  address: string;
  port: number;
  pick: Picker;
  log: Logger;
  dialTimeoutsMs?: number[];
}

export class TcpProxySocket {
  private server?: net.Server;
  private readonly connections = new Set<net.Socket>();
  private readonly retry: BindRetry;
  private closed = false;
  private bound = false;

  constructor(private readonly opts: TcpProxyOptions) {
    this.retry = new BindRetry(`tcp ${opts.address}:${opts.port}`, opts.log);
  }

  get listening(): boolean {
    return this.bound;
  }

  open(): void {
    if (this.closed || this.server) return;
    // pauseOnConnect: nothing is read from the client before its endpoint connection exists.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (c) => this.accept(c));
    this.server = server;
    server.on('error', (err) => this.onServerError(server, err));
    server.listen({ host: this.opts.address, port: this.opts.port }, () => {
      this.bound = true;
      this.retry.succeeded();
    });
  }

  /**
   * Stops accepting. Spliced connections finish on their own unless `destroyConnections` (the
   * proxy shutting down), since a Service removed or changed must not cut running transfers.
   */
  close(destroyConnections = false): Promise<void> {
    this.closed = true;
    this.bound = false;
    this.retry.cancel();
    const server = this.server;
    this.server = undefined;
    if (destroyConnections) for (const c of this.connections) c.destroy();
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private onServerError(server: net.Server, err: Error): void {
    if (server !== this.server) return;
    this.server = undefined;
    this.bound = false;
    server.close();
    if (!this.closed) this.retry.failed(err, () => this.open());
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    this.dial(client, clientAddress(client.remoteAddress), 0);
  }

  private track(socket: net.Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
  }

  /** Connects to an endpoint for `client`; on failure tries the next one with a longer timeout. */
  private dial(client: net.Socket, clientIP: string, attempt: number): void {
    if (client.destroyed) return;
    const timeouts = this.opts.dialTimeoutsMs ?? DIAL_TIMEOUTS_MS;
    // A retry forgets the client's affinity: its endpoint just failed.
    const endpoint = this.opts.pick(clientIP, attempt > 0);
    if (!endpoint) return reject(client);
    const upstream = net.connect({ host: endpoint.ip, port: endpoint.port, allowHalfOpen: true });
    this.track(upstream);
    const timer = setTimeout(() => upstream.destroy(new Error(`dial timeout after ${timeouts[attempt]} ms`)), timeouts[attempt]);
    const onClientGone = (): void => void upstream.destroy();
    client.once('close', onClientGone);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      client.off('close', onClientGone);
      splice(client, upstream);
    });
    // Errors after the splice are the splice's to handle; before it, this endpoint failed.
    upstream.once('error', (err) => {
      if (connected) return;
      clearTimeout(timer);
      client.off('close', onClientGone);
      this.dialFailed(client, clientIP, attempt, `${endpoint.ip}:${endpoint.port}`, err);
    });
  }

  private dialFailed(client: net.Socket, clientIP: string, attempt: number, target: string, err: Error): void {
    const timeouts = this.opts.dialTimeoutsMs ?? DIAL_TIMEOUTS_MS;
    if (attempt + 1 < timeouts.length) return this.dial(client, clientIP, attempt + 1);
    this.opts.log(`kube-proxy: tcp ${this.opts.address}:${this.opts.port}: dial ${target} failed after ${timeouts.length} attempts: ${err.message}`);
    reject(client);
  }
}

/** Refuses a connection the way a kernel with no listener would: an RST, not a clean close. */
function reject(client: net.Socket): void {
  if (client.destroyed) return;
  client.resetAndDestroy();
}

/**
 * Pipes both ways. pipe() ends the destination when its source ends, and allowHalfOpen keeps the
 * other direction open, so a client's shutdown(SHUT_WR) reaches the endpoint while the reply still
 * flows back. An error on one side resets the other; a side that closed cleanly lets the other
 * flush what it holds and then closes it.
 */
export function splice(a: net.Socket, b: net.Socket): void {
  link(a, b);
  link(b, a);
  a.pipe(b);
  b.pipe(a);
}

function link(from: net.Socket, to: net.Socket): void {
  from.on('error', () => {
    if (!to.destroyed) to.resetAndDestroy();
  });
  from.once('close', () => {
    if (!to.destroyed) closeAfterFlush(to);
  });
}

function closeAfterFlush(socket: net.Socket): void {
  if (socket.writableFinished) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end();
}
