import { Duplex, PassThrough } from 'node:stream';
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY as DICTIONARY } from './spdy-dictionary.js';
import {
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  FrameType,
  HeaderDecoder,
  HeaderEncoder,
  parseFrames,
  SpdySession,
  type Frame,
  type SpdyStream,
} from './spdy.js';


/** One persistent zlib stream flushed per block, as Go's spdy framer compresses header blocks. */
class GoStyleCompressor {
  private readonly deflate: Deflate = createDeflate({ dictionary: DICTIONARY });

  compress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      this.deflate.on('data', onData);
      this.deflate.write(block);
      this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.deflate.off('data', onData);
        resolve(Buffer.concat(chunks));
      });
    });
  }
}

/** A persistent inflater fed block by block, as Go's reads our header blocks. */
class StreamingInflater {
  private readonly inflate: Inflate = createInflate({ dictionary: DICTIONARY });

  decompress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      this.inflate.on('data', onData);
      this.inflate.once('error', reject);
      this.inflate.write(block);
      this.inflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.inflate.off('data', onData);
        resolve(Buffer.concat(chunks));
      });
    });
  }
}

describe('frames', () => {
  it('round-trips control and data frames, keeping a partial tail', () => {
    const bytes = Buffer.concat([controlFrame(FrameType.PING, 0, Buffer.from([0, 0, 0, 1])), dataFrame(5, FLAG_FIN, Buffer.from('hi'))]);
    const { frames, rest } = parseFrames(Buffer.concat([bytes, bytes.subarray(0, 5)]));
    expect(frames).toEqual<Frame[]>([
      { kind: 'control', type: FrameType.PING, flags: 0, payload: Buffer.from([0, 0, 0, 1]) },
      { kind: 'data', streamId: 5, flags: FLAG_FIN, data: Buffer.from('hi') },
    ]);
    expect(rest.length).toBe(5);
    // Version 3, control bit set, 24-bit length.
    expect(bytes.subarray(0, 8).toString('hex')).toBe('8003000600000004');
  });

  it('encodes and decodes name/value blocks with lower-case names', () => {
    const block = encodeHeaderBlock({ StreamType: 'data', port: '8080' });
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: 'data', port: '8080' });
    expect(() => decodeHeaderBlock(block.subarray(0, block.length - 1))).toThrow(/truncated/);
  });
});

describe('header compression', () => {
  it('reads a zlib stream compressed with the SPDY dictionary, block after block', async () => {
    const go = new GoStyleCompressor();
    const decoder = new HeaderDecoder();
    for (const headers of [{ streamtype: 'error' }, { streamtype: 'data', port: '80', requestid: '0' }, { streamtype: 'error', port: '80', requestid: '1' }]) {
      expect(await decoder.decode(await go.compress(encodeHeaderBlock(headers)))).toEqual(headers);
    }
  });

  it('rejects a corrupt block', async () => {
    await expect(new HeaderDecoder().decode(Buffer.from('not zlib at all'))).rejects.toThrow();
  });

  it('writes blocks a streaming inflater reads one at a time, with the sync marker after each', async () => {
    const encoder = new HeaderEncoder();
    const inflater = new StreamingInflater();
    const first = encoder.encode({});
    expect(first.subarray(first.length - 5).toString('hex')).toBe('000000ffff');
    expect(decodeHeaderBlock(await inflater.decompress(first))).toEqual({});
    expect(decodeHeaderBlock(await inflater.decompress(encoder.encode({ a: 'b' })))).toEqual({ a: 'b' });
    expect(decodeHeaderBlock(await inflater.decompress(encoder.encode({})))).toEqual({});
  });
});

/** The client's end of a session over an in-memory pipe. */
function pair(highWaterMark?: number) {
  const toServer = new PassThrough({ highWaterMark });
  const toClient = new PassThrough();
  const serverSide = Duplex.from({ readable: toServer, writable: toClient });
  const session = new SpdySession(serverSide);
  const go = new GoStyleCompressor();
  const received: Frame[] = [];
  let pending = Buffer.alloc(0);
  toClient.on('data', (c: Buffer) => {
    const { frames, rest } = parseFrames(Buffer.concat([pending, c]));
    pending = Buffer.from(rest);
    received.push(...frames);
  });
  const open = async (id: number, headers: Record<string, string>, flags = 0) => {
    const head = Buffer.alloc(10);
    head.writeUInt32BE(id, 0);
    toServer.write(controlFrame(FrameType.SYN_STREAM, flags, Buffer.concat([head, await go.compress(encodeHeaderBlock(headers))])));
  };
  return { session, toServer, received, open };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

/** Waits (bounded) until `check` holds: header blocks are inflated off the main thread. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick();
  }
}

describe('SpdySession', () => {
  it('announces streams with their headers, replies, carries data both ways and half-closes', async () => {
    const { session, toServer, received, open } = pair();
    const streams: SpdyStream[] = [];
    session.on('stream', (s) => {
      s.reply();
      streams.push(s);
    });
    await open(1, { streamtype: 'stdin' });
    await until(() => streams.length === 1 && received.length === 1);
    expect(streams.map((s) => [s.id, s.headers])).toEqual([[1, { streamtype: 'stdin' }]]);
    expect(received[0]).toMatchObject({ kind: 'control', type: FrameType.SYN_REPLY });
    const got: Buffer[] = [];
    streams[0]!.on('data', (d: Buffer) => got.push(d));
    const ended = new Promise((r) => streams[0]!.once('end', r));
    toServer.write(dataFrame(1, 0, Buffer.from('abc')));
    toServer.write(dataFrame(1, FLAG_FIN, Buffer.alloc(0)));
    await ended;
    expect(Buffer.concat(got).toString()).toBe('abc');
    streams[0]!.end('reply');
    await until(() => received.filter((f) => f.kind === 'data').length === 2);
    const data = received.filter((f) => f.kind === 'data');
    expect(data).toEqual([
      { kind: 'data', streamId: 1, flags: 0, data: Buffer.from('reply') },
      { kind: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.alloc(0) },
    ]);
    expect(session.openStreams).toBe(0);
  });

  it('splits large writes into frames and never waits for a WINDOW_UPDATE', async () => {
    const { session, received, open } = pair();
    session.on('stream', (s) => {
      s.reply();
      s.end(Buffer.alloc(3 * 1024 * 1024, 7)); // far past SPDY's 64 KiB initial window
    });
    await open(1, { streamtype: 'stdout' });
    await until(() => received.some((f) => f.kind === 'data' && (f.flags & FLAG_FIN) !== 0));
    const data = received.filter((f): f is Extract<Frame, { kind: 'data' }> => f.kind === 'data');
    expect(data.reduce((n, f) => n + f.data.length, 0)).toBe(3 * 1024 * 1024);
    expect(Math.max(...data.map((f) => f.data.length))).toBeLessThanOrEqual(32 * 1024);
    expect(data[data.length - 1]!.flags & FLAG_FIN).toBe(FLAG_FIN);
  });

  it('stops reading the connection while a stream\'s reader is full, and resumes', async () => {
    const { session, toServer, open } = pair(1024);
    let stream: SpdyStream | undefined;
    session.on('stream', (s) => {
      s.reply();
      stream = s;
    });
    await open(1, { streamtype: 'stdin' });
    while (!stream) await tick();
    for (let i = 0; i < 64; i++) toServer.write(dataFrame(1, 0, Buffer.alloc(16 * 1024)));
    await tick();
    expect(stream.readableLength).toBeGreaterThan(0);
    expect(stream.readableLength).toBeLessThan(64 * 16 * 1024);
    expect(toServer.readableLength + toServer.writableLength).toBeGreaterThan(0); // the rest waits in the transport
    let total = 0;
    stream.on('data', (d: Buffer) => (total += d.length));
    await new Promise((r) => setTimeout(r, 100));
    expect(total).toBe(64 * 16 * 1024);
  });

  it('answers pings, ignores flow control frames, and refuses even or repeated stream ids', async () => {
    const { session, toServer, received, open } = pair();
    const seen: number[] = [];
    session.on('stream', (s) => seen.push(s.id));
    toServer.write(controlFrame(FrameType.PING, 0, Buffer.from([0, 0, 0, 3])));
    toServer.write(controlFrame(FrameType.WINDOW_UPDATE, 0, Buffer.from([0, 0, 0, 1, 0, 0, 1, 0])));
    toServer.write(controlFrame(FrameType.SETTINGS, 0, Buffer.from([0, 0, 0, 0])));
    await open(3, { streamtype: 'a' });
    await open(2, { streamtype: 'b' });
    await open(3, { streamtype: 'c' });
    await until(() => received.filter((f) => f.kind === 'control').length >= 3);
    expect(seen).toEqual([3]);
    expect(received.filter((f) => f.kind === 'control').map((f) => (f as { type: number }).type)).toEqual([FrameType.PING, FrameType.RST_STREAM, FrameType.RST_STREAM]);
  });

  it('ends its streams when the client resets one or the transport closes', async () => {
    const { session, toServer, open } = pair();
    const streams: SpdyStream[] = [];
    session.on('stream', (s) => {
      s.reply();
      s.on('error', () => {});
      streams.push(s);
    });
    await open(1, { streamtype: 'data' });
    await open(3, { streamtype: 'error' });
    await until(() => streams.length === 2);
    toServer.write(controlFrame(FrameType.RST_STREAM, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 5])));
    await until(() => streams[0]!.destroyed);
    const closed = new Promise((r) => session.once('close', r));
    toServer.end();
    await closed;
    expect(streams[1]!.destroyed).toBe(true);
  });
});
