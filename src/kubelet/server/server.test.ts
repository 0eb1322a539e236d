import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { constants, createDeflate } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { KubeObject } from '../../api/types.js';
import { createCa, signLeaf, type KeyPairPem } from '../../apiserver/pki.js';
import type { Runtime, StdioStreams } from '../runtime.js';
import { KubeletServer } from './server.js';
import type { Summary } from '../stats/summary.js';
import { controlFrame, dataFrame, encodeHeaderBlock, FrameType, parseFrames, FLAG_FIN, type Frame } from './spdy.js';
import { SPDY3_DICTIONARY as DICTIONARY } from './spdy-dictionary.js';


let ca: KeyPairPem;
let apiserver: KeyPairPem;
let stranger: KeyPairPem;
let foreign: KeyPairPem;
let server: KubeletServer;
let echo: TcpServer;
let echoPort = 0;
const execs: { command: string[] }[] = [];

const runtime = {
  type: 'docker',
  async logs() {
    return Readable.from([Buffer.from('one\ntwo\n'), Buffer.from('three\n')]);
  },
  async exec(_id: string, request: { command: string[] }): Promise<StdioStreams> {
    execs.push(request);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.end(`ran ${request.command.join(' ')}\n`);
    stderr.end('warn\n');
    return { stdout, stderr, resize: async () => {}, exitCode: async () => 7, close: () => {} };
  },
} as unknown as Runtime;

let mirror = false;
/** The node's stats as the server's provider hands them out; a string makes the provider fail. */
let stats: Summary | string = { node: { nodeName: 'n1', startTime: Date.parse('2026-12-06T20:00:00Z'), cpu: { time: 1796590000123, usageCoreNanoSeconds: 2_500_000_000 } }, pods: [] };

function pod(): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    status: { podIP: '127.0.0.1', containerStatuses: [{ name: 'c', containerID: mirror ? 'skiff://kube-apiserver' : 'docker://x', state: { running: {} } }] },
  };
}

beforeAll(async () => {
  ca = await createCa('test-ca');
  apiserver = await signLeaf(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  stranger = await signLeaf(ca, { commonName: 'bob', usage: 'client' });
  foreign = await signLeaf(await createCa('other'), { commonName: 'kube-apiserver-kubelet-client', usage: 'client' });
  server = new KubeletServer({ port: 0, host: '127.0.0.1', clientCaPem: ca.cert, names: ['127.0.0.1'], lookup: (ns, name) => (ns === 'default' && name === 'web' ? { pod: pod(), runtime } : undefined),
    stats: { summary: async () => {
      if (typeof stats === 'string') throw new Error(stats);
      return stats;
    } },
  });
  await server.start();
  echo = createTcpServer({ allowHalfOpen: true }, (s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as { port: number }).port;
}, 30_000);

afterAll(async () => {
  await server.stop();
  echo.close();
});

function get(path: string, credential?: KeyPairPem): Promise<{ code: number; body: string }> {
  return getTyped(path, credential).then(({ code, body }) => ({ code, body }));
}

/** `get`, with the response's Content-Type. */
function getTyped(path: string, credential?: KeyPairPem): Promise<{ code: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: server.port, path, rejectUnauthorized: false, ...(credential ?? {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ code: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication', () => {
  it('serves only the API server\'s client certificate', async () => {
    expect((await get('/containerLogs/default/web/c', apiserver)).code).toBe(200);
    expect(await get('/containerLogs/default/web/c', stranger)).toMatchObject({ code: 403, body: expect.stringContaining('user=bob') });
    expect((await get('/containerLogs/default/web/c', foreign)).code).toBe(401);
    expect((await get('/containerLogs/default/web/c')).code).toBe(401);
  });
});

describe('node stats', () => {
  it('serves /stats/summary as v1alpha1 JSON and /metrics/resource as Prometheus text, to the API server only', async () => {
    const summary = await get('/stats/summary', apiserver);
    expect(summary.code).toBe(200);
    expect(JSON.parse(summary.body)).toEqual({ node: { nodeName: 'n1', startTime: '2026-12-06T20:00:00Z', cpu: { time: '2026-12-06T20:46:40Z', usageCoreNanoSeconds: 2_500_000_000 } }, pods: [] });
    const metrics = await getTyped('/metrics/resource', apiserver);
    expect(metrics.code).toBe(200);
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('\nnode_cpu_usage_seconds_total 2.5 1796590000123\n');
    expect((await get('/metrics/resource', stranger)).code).toBe(403);
    expect((await get('/stats/summary')).code).toBe(401);
  });

  it('answers 404 where the process runs several hollow nodes (no provider), and 405 to a POST', async () => {
    const several = new KubeletServer({ port: 0, host: '127.0.0.1', clientCaPem: ca.cert, names: ['127.0.0.1'], lookup: () => undefined });
    const port = await several.start();
    try {
      const code = await new Promise<number>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port, path: '/metrics/resource', rejectUnauthorized: false, ...apiserver }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject).end();
      });
      expect(code).toBe(404);
    } finally {
      await several.stop();
    }
    const post = await new Promise<number>((resolve, reject) => {
      httpsRequest({ host: '127.0.0.1', port: server.port, path: '/stats/summary', method: 'POST', rejectUnauthorized: false, ...apiserver }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(post).toBe(405);
  });

  it('reports a failed scrape as resource_scrape_error 1, and a failed summary as a 500', async () => {
    stats = 'engine went away';
    try {
      const metrics = await get('/metrics/resource', apiserver);
      expect(metrics.code).toBe(200);
      expect(metrics.body).toMatch(/^# HELP resource_scrape_error .*\n# TYPE resource_scrape_error gauge\nresource_scrape_error 1\n$/);
      expect(await get('/stats/summary', apiserver)).toMatchObject({ code: 500, body: expect.stringContaining('engine went away') });
    } finally {
      stats = { node: { nodeName: 'n1', startTime: 0 }, pods: [] };
    }
  });
});

describe('containerLogs', () => {
  it('streams the runtime\'s logs, cut at limitBytes', async () => {
    expect(await get('/containerLogs/default/web/c', apiserver)).toEqual({ code: 200, body: 'one\ntwo\nthree\n' });
    expect((await get('/containerLogs/default/web/c?limitBytes=6', apiserver)).body).toBe('one\ntw');
  });

  it('explains that a mirror pod\'s component is no container', async () => {
    mirror = true;
    try {
      const r = await get('/containerLogs/default/web/c', apiserver);
      expect(r.code).toBe(400);
      expect(r.body).toContain('runs inside the node\'s skiff process');
    } finally {
      mirror = false;
    }
  });

  it('answers a missing pod or a bad query with the kubelet\'s text', async () => {
    expect(await get('/containerLogs/default/nope/c', apiserver)).toEqual({ code: 404, body: 'pod "nope" does not exist' });
    expect((await get('/containerLogs/default/web/c?tailLines=-2', apiserver)).code).toBe(400);
    expect(await get('/exec/default/web/c?command=x&stdout=1', apiserver)).toEqual({ code: 400, body: 'Upgrade request required' });
  });
});

describe('exec over WebSocket', () => {
  it('speaks v5.channel.k8s.io: stdout and stderr channels, then the exit Status, then a normal close', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/exec/default/web/c?command=sh&command=-c&command=x&stdout=1&stderr=1`, ['v5.channel.k8s.io'], { rejectUnauthorized: false, cert: apiserver.cert, key: apiserver.key });
    const messages: Buffer[] = [];
    ws.on('message', (m: Buffer) => messages.push(m));
    const code = await new Promise<number>((r) => ws.on('close', (c) => r(c)));
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    expect(code).toBe(1000);
    const byChannel = (ch: number) => Buffer.concat(messages.filter((m) => m[0] === ch).map((m) => m.subarray(1))).toString();
    expect(byChannel(1)).toBe('ran sh -c x\n');
    expect(byChannel(2)).toBe('warn\n');
    expect(JSON.parse(byChannel(3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
  });
});

describe('exec over a base64 WebSocket', () => {
  it('sends text frames: the channel digit, then base64', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/exec/default/web/c?command=echo&stdout=1`, ['base64.channel.k8s.io'], { rejectUnauthorized: false, cert: apiserver.cert, key: apiserver.key });
    const messages: string[] = [];
    ws.on('message', (m: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false);
      messages.push(m.toString());
    });
    await new Promise((r) => ws.on('close', r));
    const stdout = messages.filter((m) => m[0] === '1').map((m) => Buffer.from(m.slice(1), 'base64').toString()).join('');
    expect(stdout).toBe('ran echo\n');
    // Before v4 the error channel carries text, and nothing for a success; exit 7 is a failure.
    expect(messages.filter((m) => m[0] === '3').map((m) => Buffer.from(m.slice(1), 'base64').toString())).toEqual(['command terminated with non-zero exit code: error executing command [echo], exit code 7']);
  });
});

/** A tiny SPDY client over TLS: compresses its header blocks with a persistent zlib stream. */
async function spdyClient(path: string, protocol: string): Promise<{ socket: TLSSocket; head: string; frames: Frame[]; open(id: number, headers: Record<string, string>): Promise<void> }> {
  const socket = tlsConnect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false, cert: apiserver.cert, key: apiserver.key });
  await new Promise((r) => socket.once('secureConnect', r));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  let buffered = Buffer.alloc(0);
  let head = '';
  const frames: Frame[] = [];
  socket.on('data', (c: Buffer) => {
    buffered = Buffer.concat([buffered, c]);
    if (!head) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      head = buffered.subarray(0, end).toString();
      buffered = buffered.subarray(end + 4);
    }
    const { frames: got, rest } = parseFrames(buffered);
    buffered = Buffer.from(rest);
    frames.push(...got);
  });
  const deflate = createDeflate({ dictionary: DICTIONARY });
  const compress = (b: Buffer) => new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    const on = (c: Buffer) => chunks.push(c);
    deflate.on('data', on);
    deflate.write(b);
    deflate.flush(constants.Z_SYNC_FLUSH, () => { deflate.off('data', on); resolve(Buffer.concat(chunks)); });
  });
  const open = async (id: number, headers: Record<string, string>) => {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(id, 0);
    socket.write(controlFrame(FrameType.SYN_STREAM, 0, Buffer.concat([fixed, await compress(encodeHeaderBlock(headers))])));
  };
  return { socket, get head() { return head; }, frames, open };
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const dataOf = (frames: Frame[], id: number) => Buffer.concat(frames.filter((f): f is Extract<Frame, { kind: 'data' }> => f.kind === 'data' && f.streamId === id).map((f) => f.data)).toString();
const finished = (frames: Frame[], id: number) => frames.some((f) => f.kind === 'data' && f.streamId === id && (f.flags & FLAG_FIN) !== 0);

describe('SPDY', () => {
  it('negotiates v4.channel.k8s.io for exec and answers each stream', async () => {
    const c = await spdyClient('/exec/default/web/c?command=ls&stdout=1&stderr=1', 'v4.channel.k8s.io');
    await c.open(1, { streamtype: 'error' });
    await c.open(3, { streamtype: 'stdout' });
    await c.open(5, { streamtype: 'stderr' });
    await until(() => finished(c.frames, 1) && finished(c.frames, 3) && finished(c.frames, 5));
    expect(c.head).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
    expect(c.head).toContain('X-Stream-Protocol-Version: v4.channel.k8s.io');
    expect(c.frames.filter((f) => f.kind === 'control' && f.type === FrameType.SYN_REPLY)).toHaveLength(3);
    expect(dataOf(c.frames, 3)).toBe('ran ls\n');
    expect(dataOf(c.frames, 5)).toBe('warn\n');
    expect(JSON.parse(dataOf(c.frames, 1))).toMatchObject({ reason: 'NonZeroExitCode' });
    c.socket.destroy();
  });

  it('refuses a protocol it does not speak', async () => {
    const c = await spdyClient('/exec/default/web/c?command=ls&stdout=1', 'v9.channel.k8s.io');
    await until(() => c.head !== '');
    expect(c.head).toMatch(/^HTTP\/1\.1 403/);
    c.socket.destroy();
  });

  it('forwards a port: an error and a data stream per request, half-closed both ways', async () => {
    const c = await spdyClient('/portForward/default/web', 'portforward.k8s.io');
    await c.open(1, { streamtype: 'error', port: String(echoPort), requestid: '0' });
    c.socket.write(dataFrame(1, FLAG_FIN, Buffer.alloc(0)));
    await c.open(3, { streamtype: 'data', port: String(echoPort), requestid: '0' });
    c.socket.write(dataFrame(3, 0, Buffer.from('ping')));
    c.socket.write(dataFrame(3, FLAG_FIN, Buffer.alloc(0)));
    await until(() => finished(c.frames, 3) && finished(c.frames, 1));
    expect(dataOf(c.frames, 3)).toBe('ping');
    expect(dataOf(c.frames, 1)).toBe('');
    // A port nobody listens on: the error stream says why.
    await c.open(5, { streamtype: 'error', port: '1', requestid: '1' });
    await c.open(7, { streamtype: 'data', port: '1', requestid: '1' });
    await until(() => finished(c.frames, 5));
    expect(dataOf(c.frames, 5)).toMatch(/^error forwarding port 1 to pod default\/web, uid u1: dial tcp4 127\.0\.0\.1:1: connect ECONNREFUSED/);
    c.socket.destroy();
  });
});

describe('port-forward over the channel WebSocket (client-node)', () => {
  it('prefixes each channel with the port, then carries the connection on channel 0', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/portForward/default/web?port=${echoPort}`, ['v4.channel.k8s.io'], { rejectUnauthorized: false, cert: apiserver.cert, key: apiserver.key });
    const messages: Buffer[] = [];
    ws.on('message', (m: Buffer) => messages.push(m));
    await new Promise((r) => ws.once('open', r));
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello')]));
    await until(() => Buffer.concat(messages.filter((m) => m[0] === 0).map((m) => m.subarray(1))).length >= 7);
    const port = Buffer.alloc(2);
    port.writeUInt16LE(echoPort);
    expect(messages[0]).toEqual(Buffer.concat([Buffer.from([0]), port]));
    expect(messages[1]).toEqual(Buffer.concat([Buffer.from([1]), port]));
    expect(Buffer.concat(messages.filter((m) => m[0] === 0).map((m) => m.subarray(1))).subarray(2).toString()).toBe('hello');
    ws.close();
  });
});
