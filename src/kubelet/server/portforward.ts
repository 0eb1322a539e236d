// Port-forward over SPDY (portforward.k8s.io; kubelet/cri/streaming/portforward/httpstream.go):
// for every local connection the client opens an error stream and a data stream sharing a
// requestid and naming the pod port; the server dials the port and joins it to the data stream.
//
// Upstream's runtime dials from inside the pod's network namespace. Here the agent dials the pod's
// IP from the node, which is on the pod network: a server that listens on 127.0.0.1 inside the pod
// is therefore not reachable this way (one on 0.0.0.0 or the pod IP is).
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { KubeletHttpError, parsePort } from './paths.js';
import type { SpdySession, SpdyStream } from './spdy.js';
import { STREAM_CREATION_TIMEOUT_MS } from './remotecommand.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol of kubectl 1.31+: SPDY frames inside binary messages. */
export const TUNNELED_PORT_FORWARD_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/**
 * The request a stream belongs to: its requestid header, or for clients that send none (the
 * first protocol version) one derived from the stream id, as upstream's requestID() does.
 */
export function requestIdOf(stream: { id: number; headers: Record<string, string> }): string {
  const id = stream.headers.requestid;
  if (id) return id;
  return String(stream.headers.streamtype === 'data' ? stream.id - 2 : stream.id);
}

export interface PortForwardTarget {
  /** The pod's IP (the agent dials it). */
  ip: string;
  /** "pod ns/name" for error messages. */
  describe: string;
  /** For tests: how to reach a port (defaults to TCP to ip:port). */
  dial?: (port: number) => Socket;
}

/** Serves every stream pair the client opens on this session until it hangs up. */
export function servePortForward(session: SpdySession, target: PortForwardTarget): void {
  const pairs = new Map<string, Pair>();
  session.on('stream', (stream) => {
    const type = stream.headers.streamtype;
    if (type !== 'data' && type !== 'error') {
      stream.reset();
      return;
    }
    stream.reply();
    stream.on('error', () => { /* reset by the client */ });
    const id = requestIdOf(stream);
    let pair = pairs.get(id);
    if (!pair) {
      const timer = setTimeout(() => {
        // Upstream drops a request whose other stream never came.
        pairs.delete(id);
        pair?.data?.reset();
        pair?.error?.reset();
      }, STREAM_CREATION_TIMEOUT_MS);
      timer.unref();
      pair = { timer };
      pairs.set(id, pair);
    }
    if (pair[type]) {
      stream.reset();
      return;
    }
    pair[type] = stream;
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      forward(pair.data, pair.error, target);
    }
  });
  session.once('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
}

function forward(data: SpdyStream, error: SpdyStream, target: PortForwardTarget): void {
  error.resume(); // the client writes nothing on it
  let port: number;
  try {
    port = parsePort(data.headers.port);
  } catch (err) {
    fail(data, error, (err as KubeletHttpError).message);
    return;
  }
  const socket = target.dial ? target.dial(port) : connect({ host: target.ip, port, allowHalfOpen: true });
  let connected = false;
  socket.once('connect', () => {
    connected = true;
    // Both directions half-close on their own: the client's FIN ends our write side, the pod's
    // end of stream becomes our FIN.
    data.pipe(socket);
    socket.pipe(data);
  });
  socket.once('error', (err) => {
    if (!connected) {
      fail(data, error, `error forwarding port ${port} to ${target.describe}: dial tcp4 ${target.ip}:${port}: ${err.message}`);
      return;
    }
    socket.destroy();
  });
  socket.once('close', () => {
    if (!connected) return;
    if (!data.writableEnded) data.end();
    error.end();
  });
  // A reset (the client's RST_STREAM, or the connection gone) drops the pod connection too.
  data.once('close', () => {
    if (!data.writableFinished) socket.destroy();
  });
}

function fail(data: SpdyStream, error: SpdyStream, message: string): void {
  error.end(message);
  data.end();
}

/** The channel WebSocket port-forward (kubelet cri/streaming/portforward/websocket.go). */
export const WEBSOCKET_PORT_FORWARD_PROTOCOLS: readonly string[] = ['v4.channel.k8s.io'];

/**
 * Port-forward over the channel WebSocket protocol that @kubernetes/client-node speaks: one TCP
 * connection per port, on channels 2i (data) and 2i+1 (error); the first message of each channel
 * carries the port, two bytes little-endian. The WebSocket ends with the pod connections.
 */
export function serveWebSocketPortForward(ws: WebSocket, ports: number[], target: PortForwardTarget): void {
  const sockets: Socket[] = [];
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  let open = ports.length;
  const closeOne = () => {
    if (--open === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    const socket = target.dial ? target.dial(port) : connect({ host: target.ip, port });
    sockets[i] = socket;
    socket.on('data', (d: Buffer) => send(2 * i, d));
    socket.once('error', (err) => send(2 * i + 1, Buffer.from(`error forwarding port ${port} to ${target.describe}: ${err.message}`)));
    socket.once('close', closeOne);
  });
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0]!;
    if (channel % 2 === 0) sockets[channel / 2]?.write(data.subarray(1));
  });
  ws.once('close', () => {
    for (const s of sockets) s.destroy();
  });
  ws.on('error', () => ws.terminate());
}
