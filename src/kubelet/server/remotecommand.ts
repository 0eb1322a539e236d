// exec and attach streams (apimachinery/pkg/util/remotecommand, kubelet/cri/streaming/remotecommand):
// the client's stdin/stdout/stderr/error/resize streams over a WebSocket (one byte of channel
// before each message) or over SPDY (one stream per type, told apart by the streamtype header),
// joined to the runtime's process.
import { EventEmitter, once } from 'node:events';
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StdioRequest, StdioStreams } from '../runtime.js';
import type { SpdySession, SpdyStream } from './spdy.js';

export const StreamProtocol = {
  V1: 'channel.k8s.io',
  V2: 'v2.channel.k8s.io',
  V3: 'v3.channel.k8s.io',
  V4: 'v4.channel.k8s.io',
  V5: 'v5.channel.k8s.io',
  /** Text frames: the channel as a digit, then the data in base64 (browsers of old). */
  V4_BASE64: 'v4.base64.channel.k8s.io',
  V1_BASE64: 'base64.channel.k8s.io',
} as const;

/** What the server offers over WebSocket, best first (v5 adds the stream-close signal). */
export const WEBSOCKET_PROTOCOLS: readonly string[] = [
  StreamProtocol.V5, StreamProtocol.V4, StreamProtocol.V3, StreamProtocol.V2, StreamProtocol.V1,
  StreamProtocol.V4_BASE64, StreamProtocol.V1_BASE64,
];
/** And over SPDY (kubectl before 1.30 offers v4, v3, v2, channel.k8s.io). */
export const SPDY_PROTOCOLS: readonly string[] = [StreamProtocol.V4, StreamProtocol.V3, StreamProtocol.V2, StreamProtocol.V1];

export const Channel = { STDIN: 0, STDOUT: 1, STDERR: 2, ERROR: 3, RESIZE: 4, CLOSE: 255 } as const;

/** How long the client has to open every stream it asked for (the kubelet's streamCreationTimeout). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** How long a finished session waits for the client to hang up before hanging up itself. */
const LINGER_MS = 30_000;

/** httpstream.Handshake's choice: the first protocol the client lists that the server speaks. */
export function negotiate(offered: string[], supported: readonly string[]): string | undefined {
  return offered.find((p) => supported.includes(p));
}

/** Protocol header values: repeated headers arrive joined by commas. */
export function headerList(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** How an exec ended: its exit code, or an error that kept it from running. */
export type Outcome = { exitCode: number } | { error: string };

/**
 * The error stream's message. v4 and v5 carry a metav1.Status (NonZeroExitCode with the ExitCode
 * cause, which kubectl turns into its own exit code); earlier versions carry the error text, and
 * nothing on success.
 */
export function errorStreamPayload(protocol: string, outcome: Outcome, command: string[] | undefined): Buffer | undefined {
  const structured = protocol === StreamProtocol.V4 || protocol === StreamProtocol.V5 || protocol === StreamProtocol.V4_BASE64;
  if ('exitCode' in outcome && outcome.exitCode === 0) {
    return structured ? Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' })) : undefined;
  }
  const message = 'exitCode' in outcome
    ? `command terminated with non-zero exit code: error executing command [${(command ?? []).join(' ')}], exit code ${outcome.exitCode}`
    : outcome.error;
  if (!structured) return Buffer.from(message);
  if ('exitCode' in outcome) {
    return Buffer.from(JSON.stringify({
      metadata: {},
      status: 'Failure',
      message,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
    }));
  }
  return Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 }));
}

/** Splits the resize stream's concatenated JSON objects ({"Width":80,"Height":24}{…}). */
export class ResizeDecoder {
  private buffer = '';

  push(text: string): { width: number; height: number }[] {
    this.buffer += text;
    const sizes: { width: number; height: number }[] = [];
    for (let end = this.buffer.indexOf('}'); end >= 0; end = this.buffer.indexOf('}')) {
      const one = this.buffer.slice(0, end + 1);
      this.buffer = this.buffer.slice(end + 1);
      try {
        const size = JSON.parse(one.slice(one.indexOf('{'))) as { Width?: number; Height?: number };
        if (typeof size.Width === 'number' && typeof size.Height === 'number') sizes.push({ width: size.Width, height: size.Height });
      } catch {
        // A malformed size is dropped, as the kubelet logs and ignores it.
      }
    }
    return sizes;
  }
}

/** The client's side of an exec or attach, whatever carries it. */
export interface RemoteStdio {
  readonly protocol: string;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Emits 'resize' ({width, height}) and 'gone' (the client hung up). */
  readonly events: EventEmitter;
  /** Sends the outcome on the error stream and ends the connection. */
  finish(outcome: Outcome, command?: string[]): Promise<void>;
  /** Drops the connection at once. */
  abort(): void;
}

/** Joins the client's streams to the process's until the output ends, then reports the outcome. */
export async function serveStdio(remote: RemoteStdio, streams: StdioStreams, command?: string[]): Promise<void> {
  let gone = false;
  remote.events.once('gone', () => {
    gone = true;
    streams.close();
  });
  remote.events.on('resize', (size: { width: number; height: number }) => void streams.resize(size.width, size.height));
  if (remote.stdin && streams.stdin) {
    remote.stdin.pipe(streams.stdin);
    streams.stdin.on('error', () => { /* the process closed its stdin */ });
  } else {
    remote.stdin?.resume();
  }
  const copies = [copy(streams.stdout, remote.stdout), copy(streams.stderr, remote.stderr)];
  await Promise.all(copies);
  if (gone) return;
  let outcome: Outcome;
  try {
    const exitCode = await streams.exitCode();
    outcome = { exitCode: exitCode ?? 0 };
  } catch (err) {
    outcome = { error: (err as Error).message };
  }
  await remote.finish(outcome, command);
}

/** Copies without ending the target (the session ends it); resolves when the source is done. */
async function copy(source: Readable, target: Writable | undefined): Promise<void> {
  if (!target) {
    source.resume();
  } else {
    source.pipe(target, { end: false });
  }
  if (source.readableEnded || source.destroyed) return;
  await Promise.race([once(source, 'end'), once(source, 'close')]).catch(() => undefined);
}

/** One message on a channel: [channel][data] in binary, or "<digit><base64>" in text. */
export function encodeChannelMessage(channel: number, data: Buffer, base64: boolean): Buffer | string {
  return base64 ? `${channel}${data.toString('base64')}` : Buffer.concat([Buffer.from([channel]), data]);
}

export function decodeChannelMessage(message: Buffer, base64: boolean): { channel: number; payload: Buffer } | undefined {
  if (message.length === 0) return undefined;
  if (!base64) return { channel: message[0]!, payload: message.subarray(1) };
  const text = message.toString('utf8');
  const channel = Number(text[0]);
  return Number.isNaN(channel) ? undefined : { channel, payload: Buffer.from(text.slice(1), 'base64') };
}

/** A Writable that sends each chunk as one message on `channel`, waiting for the socket to take it. */
function channelWriter(ws: WebSocket, channel: number, base64: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, callback) {
      if (ws.readyState !== ws.OPEN) return callback();
      ws.send(encodeChannelMessage(channel, chunk, base64), { binary: !base64 }, (err) => callback(err ?? null));
    },
  });
}

/** An exec or attach over a WebSocket of the channel protocols (v1…v5.channel.k8s.io). */
export function websocketStdio(ws: WebSocket, protocol: string, request: StdioRequest): RemoteStdio {
  const events = new EventEmitter();
  const stdin = request.stdin ? new PassThrough() : undefined;
  const resizes = new ResizeDecoder();
  const base64 = protocol.includes('base64');
  ws.on('message', (data: Buffer) => {
    const decoded = decodeChannelMessage(Buffer.from(data), base64);
    if (!decoded) return;
    const { channel, payload } = decoded;
    if (channel === Channel.STDIN && stdin && !stdin.writableEnded) {
      if (!stdin.write(payload)) {
        ws.pause();
        stdin.once('drain', () => ws.resume());
      }
    } else if (channel === Channel.RESIZE) {
      for (const size of resizes.push(payload.toString('utf8'))) events.emit('resize', size);
    } else if (channel === Channel.CLOSE && protocol === StreamProtocol.V5 && payload[0] === Channel.STDIN) {
      stdin?.end();
    }
  });
  const gone = () => {
    stdin?.end();
    events.emit('gone');
  };
  ws.once('close', gone);
  ws.on('error', () => ws.terminate());
  return {
    protocol,
    stdin,
    stdout: request.stdout ? channelWriter(ws, Channel.STDOUT, base64) : undefined,
    stderr: request.stderr ? channelWriter(ws, Channel.STDERR, base64) : undefined,
    events,
    async finish(outcome, command) {
      ws.off('close', gone);
      const payload = errorStreamPayload(protocol, outcome, command);
      if (payload && ws.readyState === ws.OPEN) {
        await new Promise<void>((resolve) => ws.send(encodeChannelMessage(Channel.ERROR, payload, base64), { binary: !base64 }, () => resolve()));
      }
      // A normal closure: the client's readers see EOF rather than an error.
      if (ws.readyState === ws.OPEN) ws.close(1000);
      const timer = setTimeout(() => ws.terminate(), LINGER_MS);
      timer.unref();
      ws.once('close', () => clearTimeout(timer));
    },
    abort() {
      ws.terminate();
    },
  };
}

/** The stream types a SPDY client opens for this request and protocol. */
export function expectedStreamTypes(protocol: string, request: StdioRequest): string[] {
  const types = ['error'];
  if (request.stdin) types.push('stdin');
  if (request.stdout) types.push('stdout');
  if (request.stderr) types.push('stderr');
  if (request.tty && (protocol === StreamProtocol.V3 || protocol === StreamProtocol.V4)) types.push('resize');
  return types;
}

/**
 * Waits for the streams a SPDY exec or attach opens (accepting each as it comes), and returns the
 * client's side; rejects when they are not all there within the creation timeout.
 */
export function spdyStdio(session: SpdySession, protocol: string, request: StdioRequest, timeoutMs = STREAM_CREATION_TIMEOUT_MS): Promise<RemoteStdio> {
  const expected = new Set(expectedStreamTypes(protocol, request));
  const got = new Map<string, SpdyStream>();
  const events = new EventEmitter();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.off('stream', onStream);
      reject(new Error(`timed out waiting for client to create streams: got [${[...got.keys()].join(' ')}], want [${[...expected].join(' ')}]`));
    }, timeoutMs);
    timer.unref();
    const onStream = (stream: SpdyStream) => {
      const type = stream.headers.streamtype ?? '';
      if (!expected.has(type) || got.has(type)) {
        stream.reset();
        return;
      }
      stream.reply();
      stream.on('error', () => { /* reset by the client */ });
      got.set(type, stream);
      if (got.size < expected.size) return;
      clearTimeout(timer);
      session.off('stream', onStream);
      resolve(fromSpdyStreams(session, protocol, got, events));
    };
    session.on('stream', onStream);
    session.once('close', () => {
      clearTimeout(timer);
      reject(new Error('the client closed the connection before creating its streams'));
    });
  });
}

function fromSpdyStreams(session: SpdySession, protocol: string, streams: Map<string, SpdyStream>, events: EventEmitter): RemoteStdio {
  const resize = streams.get('resize');
  if (resize) {
    const decoder = new ResizeDecoder();
    resize.setEncoding('utf8');
    resize.on('data', (text: string) => {
      for (const size of decoder.push(text)) events.emit('resize', size);
    });
  }
  const error = streams.get('error')!;
  error.resume(); // the client writes nothing on it
  const gone = () => events.emit('gone');
  session.once('close', gone);
  return {
    protocol,
    stdin: streams.get('stdin'),
    stdout: streams.get('stdout'),
    stderr: streams.get('stderr'),
    events,
    async finish(outcome, command) {
      session.off('close', gone);
      const payload = errorStreamPayload(protocol, outcome, command);
      for (const type of ['stdout', 'stderr']) streams.get(type)?.end();
      if (payload) error.write(payload);
      error.end();
      // The client resets its streams and hangs up once it has read everything; until then the
      // connection stays, so no frame is lost to an early close.
      session.goAway();
      const timer = setTimeout(() => session.destroy(), LINGER_MS);
      timer.unref();
      session.once('close', () => clearTimeout(timer));
    },
    abort() {
      session.destroy();
    },
  };
}
