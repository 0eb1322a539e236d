// The server side of SPDY/3.1 as Kubernetes speaks it (moby/spdystream under
// apimachinery/pkg/util/httpstream/spdy): the client opens every stream with SYN_STREAM, the
// server answers SYN_REPLY, both sides half-close with FIN, and the streams are told apart by
// their headers (streamtype, port, requestid).
//
// Written here rather than on a SPDY library (spdy-transport) because spdystream never sends
// WINDOW_UPDATE (nor SETTINGS) and ignores the ones it gets: a peer that honours SPDY's 64 KiB
// flow-control window stalls after 64 KiB of output. So this framer does no flow control at all,
// exactly as the Go side, and relies on TCP (socket backpressure) instead.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { constants as zlibConstants, createInflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY as DICTIONARY } from './spdy-dictionary.js';


export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
const VERSION = 3;
/** Go's framer accepts up to 16 MiB; small frames keep latency low for interactive streams. */
const MAX_DATA_FRAME = 32 * 1024;

export const RstStatus = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer };

/** Splits a byte stream into SPDY frames; returns the frames and the unconsumed tail. */
export function parseFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  while (buffer.length - offset >= 8) {
    const length = buffer.readUIntBE(offset + 5, 3);
    if (buffer.length - offset < 8 + length) break;
    const flags = buffer[offset + 4]!;
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (buffer[offset]! & 0x80) {
      frames.push({ kind: 'control', type: buffer.readUInt16BE(offset + 2), flags, payload: body });
    } else {
      frames.push({ kind: 'data', streamId: buffer.readUInt32BE(offset) & 0x7fffffff, flags, data: body });
    }
    offset += 8 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = flags;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

/** The uncompressed name/value block: count, then length-prefixed names and values. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(headers);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, value] of entries) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(bytes.length);
      parts.push(len, bytes);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let offset = 0;
  const take = (): string => {
    if (offset + 4 > block.length) throw new Error('truncated spdy header block');
    const len = block.readUInt32BE(offset);
    offset += 4;
    if (offset + len > block.length) throw new Error('truncated spdy header block');
    const text = block.subarray(offset, offset + len).toString('utf8');
    offset += len;
    return text;
  };
  if (block.length < 4) throw new Error('truncated spdy header block');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    // Several values of one name are NUL-separated; Kubernetes' headers have one each.
    headers[name] = take().split('\0')[0]!;
  }
  return headers;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The sending half of the connection's one zlib stream. It emits stored (uncompressed) deflate
 * blocks, which any inflater reads as a continuation of the stream: the server sends only a few
 * empty SYN_REPLY blocks, so compression buys nothing and the encoder stays synchronous.
 */
export class HeaderEncoder {
  private started = false;

  encode(headers: Record<string, string>): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      const zhead = Buffer.alloc(6);
      zhead[0] = 0x78; // deflate, 32 KiB window
      zhead[1] = 0xbb; // FDICT set; (0x78bb % 31) === 0
      zhead.writeUInt32BE(adler32(DICTIONARY), 2);
      parts.push(zhead);
    }
    for (let i = 0; i < raw.length || i === 0; i += 0xffff) {
      const chunk = raw.subarray(i, i + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0x00; // BFINAL=0, BTYPE=00 (stored)
      head.writeUInt16LE(chunk.length, 1);
      head.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(head, chunk);
    }
    // The sync-flush marker (an empty stored block), as zlib's Z_SYNC_FLUSH ends each block: Go's
    // inflater hands out a stored block's bytes only once it has read the next block's header.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/**
 * The receiving half: the peer's header blocks form one zlib stream (with SPDY's dictionary),
 * flushed after each block. One inflater keeps the stream's state; blocks are decoded one at a
 * time, in order (the session processes frames in sequence).
 */
export class HeaderDecoder {
  private readonly inflate: Inflate = createInflate({ dictionary: DICTIONARY });
  private failed: Error | undefined;

  constructor() {
    this.inflate.on('error', (err) => {
      this.failed = err;
    });
  }

  decode(block: Buffer): Promise<Record<string, string>> {
    if (block.length === 0) return Promise.resolve({});
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      const onError = (err: Error) => {
        this.inflate.off('data', onData);
        reject(err);
      };
      this.inflate.on('data', onData);
      this.inflate.once('error', onError);
      this.inflate.write(block);
      this.inflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        this.inflate.off('data', onData);
        this.inflate.off('error', onError);
        if (this.failed) return reject(this.failed);
        try {
          resolve(decodeHeaderBlock(Buffer.concat(chunks)));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  close(): void {
    this.inflate.destroy();
  }
}

/** One SPDY stream, as a Duplex: reads are the peer's DATA, writes become ours; end() sends FIN. */
export class SpdyStream extends Duplex {
  replied = false;
  /** The peer sent FIN (or the stream was reset). */
  remoteClosed = false;
  private localClosed = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: Record<string, string>,
  ) {
    super({ allowHalfOpen: true });
  }

  /** Accepts the stream (SYN_REPLY with no headers, as apimachinery's spdy connection does). */
  reply(): void {
    if (this.replied) return;
    this.replied = true;
    this.session.sendControl(FrameType.SYN_REPLY, 0, Buffer.concat([u32(this.id), this.session.headerEncoder.encode({})]));
  }

  /** Refuses or aborts the stream (RST_STREAM). */
  reset(status: number = RstStatus.CANCEL): void {
    this.localClosed = this.remoteClosed = true;
    this.session.sendControl(FrameType.RST_STREAM, 0, Buffer.concat([u32(this.id), u32(status)]));
    this.session.forget(this.id);
    this.push(null);
    this.destroy();
  }

  /** @internal */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length > 0 && !this.push(data)) this.session.pauseFor(this);
    if (fin) this.finishRemote();
  }

  /** @internal */
  finishRemote(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.maybeForget();
  }

  override _read(): void {
    this.session.resumeFor(this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.localClosed) return callback(new Error(`write on closed spdy stream ${this.id}`));
    this.session.sendData(this.id, 0, chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.localClosed) return callback();
    this.localClosed = true;
    this.session.sendData(this.id, FLAG_FIN, Buffer.alloc(0), (err) => {
      this.maybeForget();
      callback(err);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.session.resumeFor(this);
    callback(error);
  }

  private maybeForget(): void {
    if (this.localClosed && this.remoteClosed) this.session.forget(this.id);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

/**
 * A server-side SPDY/3 session over an upgraded connection (a TLS socket, or a WebSocket-tunneled
 * duplex). Emits 'stream' for each SYN_STREAM the client opens; the handler decides to reply()
 * or reset(). Emits 'close' once the transport is gone.
 */
export class SpdySession extends EventEmitter<SpdySessionEvents> {
  readonly headerEncoder = new HeaderEncoder();
  private readonly headerDecoder = new HeaderDecoder();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pausedBy = new Set<SpdyStream>();
  private pending: Buffer = Buffer.alloc(0);
  private readonly queue: Frame[] = [];
  private decoding = false;
  private lastStreamId = 0;
  private closed = false;
  goneAway = false;

  constructor(private readonly transport: Duplex) {
    super();
    transport.on('data', (chunk: Buffer) => this.onData(chunk));
    transport.on('end', () => this.shutdown());
    transport.on('close', () => this.shutdown());
    transport.on('error', () => this.shutdown());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  private onData(chunk: Buffer): void {
    const { frames, rest } = parseFrames(this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk);
    this.pending = Buffer.from(rest);
    this.queue.push(...frames);
    this.drain();
  }

  /**
   * Handles frames strictly in order. Most are handled at once (so a full stream pauses the
   * transport before the next frame); a header block is inflated asynchronously, and reading
   * stops until it is done.
   */
  private drain(): void {
    while (!this.decoding && !this.closed && this.queue.length > 0) {
      const frame = this.queue.shift()!;
      if (frame.kind === 'control' && (frame.type === FrameType.SYN_STREAM || frame.type === FrameType.HEADERS)) {
        this.decoding = true;
        this.updateFlow();
        this.handleHeaders(frame).then(() => {
          this.decoding = false;
          this.updateFlow();
          this.drain();
        }, () => {
          // A frame we cannot read (a corrupt header block) leaves the connection unusable.
          this.goAway(1);
          this.destroy();
        });
        return;
      }
      this.handle(frame);
    }
  }

  private updateFlow(): void {
    if (this.closed) return;
    if (this.decoding || this.pausedBy.size > 0) this.transport.pause();
    else this.transport.resume();
  }

  private async handleHeaders(frame: Extract<Frame, { kind: 'control' }>): Promise<void> {
    const p = frame.payload;
    if (frame.type === FrameType.HEADERS) {
      // Decoded to keep the zlib stream in step; Kubernetes sends no trailers that matter.
      await this.headerDecoder.decode(p.subarray(4));
      if (frame.flags & FLAG_FIN) this.streams.get(p.readUInt32BE(0) & 0x7fffffff)?.finishRemote();
      return;
    }
    const id = p.readUInt32BE(0) & 0x7fffffff;
    const headers = await this.headerDecoder.decode(p.subarray(10));
    if (this.closed) return;
    if (this.goneAway || id <= this.lastStreamId || id % 2 === 0) {
      this.sendControl(FrameType.RST_STREAM, 0, Buffer.concat([u32(id), u32(RstStatus.PROTOCOL_ERROR)]));
      return;
    }
    this.lastStreamId = id;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    if (frame.flags & FLAG_FIN) stream.finishRemote();
    this.emit('stream', stream);
  }

  private handle(frame: Frame): void {
    if (frame.kind === 'data') {
      this.streams.get(frame.streamId)?.receive(frame.data, (frame.flags & FLAG_FIN) !== 0);
      return;
    }
    const p = frame.payload;
    switch (frame.type) {
      case FrameType.RST_STREAM: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const stream = this.streams.get(id);
        if (stream) {
          this.forget(id);
          stream.finishRemote();
          stream.destroy();
        }
        return;
      }
      case FrameType.PING:
        // Echo the client's pings (odd ids); ours would be even, and we send none.
        if (p.readUInt32BE(0) % 2 === 1) this.sendControl(FrameType.PING, 0, Buffer.from(p));
        return;
      case FrameType.GOAWAY:
        this.goneAway = true;
        return;
      case FrameType.SYN_REPLY: // we open no streams
      case FrameType.SETTINGS:
      case FrameType.WINDOW_UPDATE: // no flow control, as spdystream (see the file comment)
      default:
        return;
    }
  }

  /** @internal */
  sendControl(type: number, flags: number, payload: Buffer): void {
    if (this.closed) return;
    this.transport.write(controlFrame(type, flags, payload));
  }

  /** @internal Writes DATA frames; calls back when the transport has taken them (backpressure). */
  sendData(streamId: number, flags: number, data: Buffer, callback: (error?: Error | null) => void): void {
    if (this.closed) return callback(new Error('spdy connection closed'));
    let ok = true;
    if (data.length === 0) ok = this.transport.write(dataFrame(streamId, flags, data));
    for (let i = 0; i < data.length; i += MAX_DATA_FRAME) {
      const last = i + MAX_DATA_FRAME >= data.length;
      ok = this.transport.write(dataFrame(streamId, last ? flags : 0, data.subarray(i, i + MAX_DATA_FRAME)));
    }
    if (ok) return callback();
    const onDrain = () => { cleanup(); callback(); };
    const onClose = () => { cleanup(); callback(new Error('spdy connection closed')); };
    const cleanup = () => { this.transport.off('drain', onDrain); this.transport.off('close', onClose); };
    this.transport.once('drain', onDrain);
    this.transport.once('close', onClose);
  }

  /** @internal A stream's reader is full: stop reading the connection until it drains. */
  pauseFor(stream: SpdyStream): void {
    this.pausedBy.add(stream);
    this.updateFlow();
  }

  /** @internal */
  resumeFor(stream: SpdyStream): void {
    if (this.pausedBy.delete(stream)) this.updateFlow();
  }

  /** @internal */
  forget(id: number): void {
    const stream = this.streams.get(id);
    if (stream) this.resumeFor(stream);
    this.streams.delete(id);
  }

  /** Tells the client no new streams will be accepted (GOAWAY). */
  goAway(status = 0): void {
    if (this.closed) return;
    this.goneAway = true;
    this.sendControl(FrameType.GOAWAY, 0, Buffer.concat([u32(this.lastStreamId), u32(status)]));
  }

  /** Ends the transport after what was written has gone out. */
  end(): void {
    if (this.closed) return;
    this.transport.end();
  }

  destroy(): void {
    this.transport.destroy();
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.headerDecoder.close();
    for (const stream of this.streams.values()) {
      stream.finishRemote();
      stream.destroy();
    }
    this.streams.clear();
    this.emit('close');
  }
}
