// One UDP socket of the userspace proxy (upstream proxysocket.go's udpProxySocket): each client
// address gets a session socket to its chosen endpoint; datagrams flow both ways through it and
// replies leave from the service address the client sent to. A session idle for the timeout closes.
import dgram from 'node:dgram';
import net from 'node:net';
import { BindRetry, clientAddress } from './retry.js';
import type { Endpoint, Logger, Picker } from './types.js';

/** Upstream's --udp-timeout default; long enough for DNS, short enough not to hoard sockets. */
export const UDP_IDLE_TIMEOUT_MS = 250;

export interface UdpProxyOptions {
  address: string;
  port: number;
  pick: Picker;
  log: Logger;
  idleTimeoutMs?: number;
}

interface Session {
  socket: dgram.Socket;
  endpoint: Endpoint;
  timer: NodeJS.Timeout;
}

function socketType(address: string): dgram.SocketType {
  return net.isIPv6(address) ? 'udp6' : 'udp4';
}

export class UdpProxySocket {
  private socket?: dgram.Socket;
  private readonly sessions = new Map<string, Session>();
  private readonly retry: BindRetry;
  private closed = false;
  private bound = false;

  constructor(private readonly opts: UdpProxyOptions) {
    this.retry = new BindRetry(`udp ${opts.address}:${opts.port}`, opts.log);
  }

  get listening(): boolean {
    return this.bound;
  }

  open(): void {
    if (this.closed || this.socket) return;
    const socket = dgram.createSocket({ type: socketType(this.opts.address) });
    this.socket = socket;
    socket.on('error', (err) => this.onSocketError(socket, err));
    socket.on('message', (msg, rinfo) => this.onClientMessage(msg, rinfo));
    socket.bind({ address: this.opts.address, port: this.opts.port, exclusive: true }, () => {
      this.bound = true;
      this.retry.succeeded();
    });
  }

  close(): Promise<void> {
    this.closed = true;
    this.bound = false;
    this.retry.cancel();
    for (const key of [...this.sessions.keys()]) this.endSession(key);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // never bound: nothing to close
      }
    });
  }

  /**
   * Ends sessions whose endpoint was removed, as kube-proxy clears UDP conntrack entries of stale
   * endpoints: a client that keeps sending from one port would otherwise never move off it.
   */
  retainEndpoints(endpoints: readonly Endpoint[]): void {
    for (const [key, s] of this.sessions) {
      if (!endpoints.some((e) => e.ip === s.endpoint.ip && e.port === s.endpoint.port)) this.endSession(key);
    }
  }

  private onSocketError(socket: dgram.Socket, err: Error): void {
    if (socket !== this.socket) return;
    if (this.bound) {
      // A bound UDP socket's errors concern one datagram (e.g. a send to a client that left).
      this.opts.log(`kube-proxy: udp ${this.opts.address}:${this.opts.port}: ${err.message}`);
      return;
    }
    this.socket = undefined;
    try {
      socket.close();
    } catch {
      // the failed bind already closed it
    }
    if (!this.closed) this.retry.failed(err, () => this.open());
  }

  private onClientMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const key = `${rinfo.address}|${rinfo.port}`;
    const session = this.sessions.get(key) ?? this.startSession(key, rinfo);
    // No ready endpoint: the datagram is dropped, as a kernel with no listener would.
    if (!session) return;
    session.timer.refresh();
    session.socket.send(msg, session.endpoint.port, session.endpoint.ip);
  }

  private startSession(key: string, client: dgram.RemoteInfo): Session | undefined {
    const endpoint = this.opts.pick(clientAddress(client.address));
    if (!endpoint) return undefined;
    const socket = dgram.createSocket({ type: socketType(endpoint.ip) });
    const session: Session = { socket, endpoint, timer: this.idleTimer(key) };
    socket.on('error', (err) => {
      this.opts.log(`kube-proxy: udp ${this.opts.address}:${this.opts.port}: session to ${endpoint.ip}:${endpoint.port}: ${err.message}`);
      this.endSession(key);
    });
    socket.on('message', (reply, from) => {
      // Only the endpoint may answer through this session: anything else is not its reply.
      if (from.address !== endpoint.ip || from.port !== endpoint.port) return;
      session.timer.refresh();
      this.socket?.send(reply, client.port, client.address);
    });
    this.sessions.set(key, session);
    return session;
  }

  private idleTimer(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.endSession(key), this.opts.idleTimeoutMs ?? UDP_IDLE_TIMEOUT_MS);
    timer.unref();
    return timer;
  }

  private endSession(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    clearTimeout(session.timer);
    try {
      session.socket.close();
    } catch {
      // already closed by its error
    }
  }
}
