import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { useSkiffHome } from '../../test/helpers/skiffhome.js';
import WebSocket, { WebSocketServer } from 'ws';
import { isHostProxy, listenProxy, liveProxies, recordPath, sniff, writeRecord, type ProxyListener } from './hostproxy.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  closers.push(() => new Promise<void>((ok) => {
    server.close(() => ok());
    (server as http.Server).closeAllConnections?.();
  }));
  return (server.address() as net.AddressInfo).port;
}

async function proxyTo(port: number): Promise<ProxyListener> {
  const p = await listenProxy({ host: '127.0.0.1', port });
  closers.push(() => p.close());
  return p;
}

/** Sends bytes on a fresh connection and collects what comes back until the server closes or `until` matches. */
function exchange(port: number, send: string | undefined, until: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (c) => {
      got += c.toString('latin1');
      if (until(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    if (send !== undefined) s.write(send);
    setTimeout(() => {
      s.destroy();
      resolve(got);
    }, 3000);
  });
}

describe('sniff', () => {
  it('tells an HTTP request line from other protocols, waiting while a method could still be forming', () => {
    expect(sniff(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('http');
    expect(sniff(Buffer.from('OPTIONS * HTTP/1.1'))).toBe('http');
    expect(sniff(Buffer.from('GE'))).toBeUndefined();
    expect(sniff(Buffer.from('DELET'))).toBeUndefined();
    expect(sniff(Buffer.from('GETX'))).toBe('raw');
    expect(sniff(Buffer.from([0x16, 0x03, 0x01, 0x02]))).toBe('raw'); // a TLS ClientHello
    expect(sniff(Buffer.from('SSH-2.0-OpenSSH_9'))).toBe('raw');
    expect(sniff(Buffer.from('get / HTTP/1.1'))).toBe('raw'); // methods are case-sensitive
  });
});

describe('the host proxy', () => {
  it('forwards HTTP through http-proxy: the backend sees X-Forwarded-For, and keep-alive requests share the connection', async () => {
    const backend = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} xff=${req.headers['x-forwarded-for'] ?? '-'}`);
    });
    const proxy = await proxyTo(await listen(backend));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    closers.push(() => agent.destroy());
    const get = (path: string) => new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: proxy.port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c)).on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(await get('/a?x=1')).toBe('GET /a?x=1 xff=127.0.0.1');
    expect(await get('/b')).toBe('GET /b xff=127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${proxy.port}/c`, { method: 'POST', body: 'hi' });
    expect(await res.text()).toBe('POST /c xff=127.0.0.1');
  });

  it('passes WebSocket upgrades both ways', async () => {
    const backend = http.createServer();
    const wss = new WebSocketServer({ server: backend });
    wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`echo:${m.toString()}`)));
    closers.push(() => new Promise<void>((ok) => wss.close(() => ok())));
    const proxy = await proxyTo(await listen(backend));
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/socket`);
    closers.push(() => ws.terminate());
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('ping'));
      ws.on('message', (m) => resolve(m.toString()));
      ws.on('error', reject);
    });
    expect(reply).toBe('echo:ping');
  });

  it('pipes anything that is not HTTP as raw TCP, including a server that speaks first', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    const echoProxy = await proxyTo(await listen(echo));
    expect(await exchange(echoProxy.port, '\x00\x01binary\r\n', (t) => t.includes('binary'))).toBe('\x00\x01binary\r\n');

    const banner = net.createServer((s) => s.end('220 ready\r\n'));
    const bannerProxy = await proxyTo(await listen(banner));
    expect(await exchange(bannerProxy.port, undefined, (t) => t.includes('ready'))).toBe('220 ready\r\n');
  });

  it('answers 502 over HTTP when the target does not accept, and closes a raw connection', async () => {
    const free = net.createServer();
    const port = await listen(free);
    await new Promise<void>((ok) => free.close(() => ok()));
    closers.pop();
    const proxy = await proxyTo(port);
    const res = await fetch(`http://127.0.0.1:${proxy.port}/`);
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/did not answer/);
    expect(await exchange(proxy.port, 'hello raw', () => false)).toBe('');
  });
});

describe('proxy records', () => {
  useSkiffHome('skiff-hostproxy-');

  it('a live pid that is not a host proxy does not count, and its record is dropped', () => {
    expect(isHostProxy(process.pid)).toBe(false);
    const path = recordPath('dev', 'default', 'web');
    writeRecord(path, { pid: process.pid, namespace: 'default', service: 'web', forwards: [], startedAt: new Date().toISOString() });
    expect(liveProxies('dev')).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });
});
