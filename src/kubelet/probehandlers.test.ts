import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecTimeoutError } from '../driver/engine.js';
import { healthCheckFrame, resolvePort, runProbe, servingStatus, type ProbeTarget } from './probehandlers.js';

let http: Server;
let httpPort = 0;
let lastHeaders: IncomingHttpHeaders = {};
let closedPort = 0;

beforeAll(async () => {
  http = createServer((req, res) => {
    lastHeaders = req.headers;
    const code = Number(new URL(req.url!, 'http://x').searchParams.get('code') ?? 200);
    if (req.url!.startsWith('/slow')) return; // never answers
    if (req.url!.startsWith('/redir')) return void res.writeHead(301, { location: '/?code=500' }).end();
    if (req.url!.startsWith('/loop')) return void res.writeHead(302, { location: '/loop' }).end();
    res.writeHead(code, code === 302 ? { location: 'http://example.invalid/' } : {}).end('body');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as AddressInfo).port;
  const spare = createTcpServer();
  await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise((r) => spare.close(r));
});

afterAll(() => {
  http.close();
});

const target = (extra: Partial<ProbeTarget> = {}): ProbeTarget => ({ podIP: '127.0.0.1', container: { name: 'app', ports: [{ name: 'web', containerPort: httpPort }] }, timeoutMs: 1000, ...extra });

describe('httpGet', () => {
  it('succeeds on 200–399 and fails with the status code otherwise', async () => {
    expect(await runProbe({ httpGet: { path: '/?code=200', port: httpPort } }, target())).toMatchObject({ result: 'success' });
    expect(await runProbe({ httpGet: { path: '/?code=302', port: 'web' } }, target())).toEqual({ result: 'warning', output: 'Probe terminated redirects, Response body: body' });
    expect(await runProbe({ httpGet: { path: '/?code=500', port: 'web' } }, target())).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect(await runProbe({ httpGet: { path: '/?code=404', port: String(httpPort) } }, target())).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
  });

  it('follows redirects on the same host, at most 10', async () => {
    expect(await runProbe({ httpGet: { path: '/redir', port: httpPort } }, target())).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect(await runProbe({ httpGet: { path: '/loop', port: httpPort } }, target())).toEqual({ result: 'failure', output: `Get "http://127.0.0.1:${httpPort}/loop": stopped after 10 redirects` });
  });

  it('sends the kube-probe User-Agent, the probe\'s headers and its Host', async () => {
    await runProbe({ httpGet: { path: '/', port: httpPort, httpHeaders: [{ name: 'X-Probe', value: 'yes' }, { name: 'Host', value: 'web.example' }] } }, target());
    expect(lastHeaders).toMatchObject({ 'user-agent': 'kube-probe/1.32', accept: '*/*', 'x-probe': 'yes', host: 'web.example' });
  });

  it('reports refused connections and timeouts in Go\'s words', async () => {
    expect(await runProbe({ httpGet: { path: '/healthz', port: closedPort } }, target())).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${closedPort}/healthz": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`,
    });
    expect(await runProbe({ httpGet: { path: '/slow', port: httpPort } }, target({ timeoutMs: 200 }))).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${httpPort}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('errors on a port name the container does not have', async () => {
    expect(() => resolvePort('metrics', { name: 'app', ports: [] })).toThrow('strconv.Atoi: parsing "metrics": invalid syntax');
    expect(await runProbe({ httpGet: { port: 'metrics' } }, target())).toEqual({ result: 'error', output: 'strconv.Atoi: parsing "metrics": invalid syntax' });
  });
});

describe('tcpSocket', () => {
  it('succeeds when the port accepts a connection', async () => {
    expect(await runProbe({ tcpSocket: { port: httpPort } }, target())).toEqual({ result: 'success', output: '' });
    expect(await runProbe({ tcpSocket: { port: closedPort } }, target())).toEqual({ result: 'failure', output: `dial tcp 127.0.0.1:${closedPort}: connect: connection refused` });
  });
});

describe('exec', () => {
  it('passes on exit code 0 and fails with the output otherwise', async () => {
    const exec = async (cmd: string[]) => (cmd[0] === 'true' ? { exitCode: 0, output: '' } : { exitCode: 1, output: "cat: can't open '/tmp/x': No such file or directory\n" });
    expect(await runProbe({ exec: { command: ['true'] } }, target({ exec }))).toEqual({ result: 'success', output: '' });
    expect(await runProbe({ exec: { command: ['cat', '/tmp/x'] } }, target({ exec }))).toEqual({ result: 'failure', output: "cat: can't open '/tmp/x': No such file or directory\n" });
  });

  it('fails a command that outlives the timeout', async () => {
    const exec = async (cmd: string[], ms: number) => { throw new ExecTimeoutError(cmd, ms); };
    expect(await runProbe({ exec: { command: ['sleep', '10'] } }, target({ exec }))).toEqual({ result: 'failure', output: 'command "sleep 10" timed out' });
  });
});

describe('grpc', () => {
  let h2: Http2Server;
  let h2Port = 0;
  const statusOf: Record<string, number> = { '': 1, sick: 2 };
  beforeAll(async () => {
    h2 = createH2Server();
    h2.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const body = Buffer.concat(chunks).subarray(5);
        const service = body.length > 2 ? body.subarray(2).toString('utf8') : '';
        expect(headers[':path']).toBe('/grpc.health.v1.Health/Check');
        const status = statusOf[service] ?? 3;
        const message = Buffer.from([0x08, status]);
        const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        const unimplemented = service === 'unimpl';
        stream.on('wantTrailers', () => stream.sendTrailers(unimplemented ? { 'grpc-status': '12', 'grpc-message': 'unknown%20service' } : { 'grpc-status': '0' }));
        stream.end(frame);
      });
    });
    await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
    h2Port = (h2.address() as AddressInfo).port;
  });
  afterAll(() => {
    h2.close();
  });

  it('encodes and decodes the health messages', () => {
    expect([...healthCheckFrame('')]).toEqual([0, 0, 0, 0, 0]);
    expect([...healthCheckFrame('ab')]).toEqual([0, 0, 0, 0, 4, 0x0a, 2, 0x61, 0x62]);
    expect(servingStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 1]))).toBe(1);
  });

  it('speaks the standard health protocol', async () => {
    expect(await runProbe({ grpc: { port: h2Port } }, target())).toEqual({ result: 'success', output: '' });
    expect(await runProbe({ grpc: { port: h2Port, service: 'sick' } }, target())).toEqual({ result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    expect(await runProbe({ grpc: { port: h2Port, service: 'unimpl' } }, target())).toEqual({ result: 'failure', output: 'error: health rpc probe failed: rpc error: code = Unimplemented desc = unknown service' });
    const refused = await runProbe({ grpc: { port: closedPort } }, target());
    expect(refused.result).toBe('failure');
    expect(refused.output).toContain(`failed to connect service "127.0.0.1:${closedPort}"`);
  });
});
