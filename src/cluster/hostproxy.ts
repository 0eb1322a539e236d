// The host proxy behind `skiff service`: 127.0.0.1:<port> on the host forwarded to a NodePort on
// the control-plane node. HTTP goes through http-proxy (WebSocket upgrades included), so every
// request is a proper proxied request; anything else (a database, SSH, TLS) is piped as raw TCP.
// It runs as a detached `skiff host-proxy` process so `skiff service --url` can print and exit;
// its record (pid, ports, targets) lives under the profile's directory in $SKIFF_HOME.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import httpProxy from 'http-proxy';
import { profileDir } from './profiles.js';

export interface Target {
  host: string;
  port: number;
}

/** HTTP/1 methods: a first line starting with one of these and a space is an HTTP request. */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'];
const LONGEST_METHOD = Math.max(...HTTP_METHODS.map((m) => m.length)) + 1;

/**
 * What the first bytes of a connection say: 'http', 'raw', or undefined while too few have
 * arrived to tell ("GE" could still become "GET ").
 */
export function sniff(first: Buffer): 'http' | 'raw' | undefined {
  const head = first.subarray(0, LONGEST_METHOD).toString('latin1');
  for (const m of HTTP_METHODS) {
    const word = `${m} `;
    if (head.startsWith(word)) return 'http';
    if (head.length < word.length && word.startsWith(head)) return undefined;
  }
  return 'raw';
}

/** How long a silent client is waited for: a server-speaks-first protocol (SMTP, MySQL, SSH) is raw TCP. */
export const SERVER_FIRST_MS = 300;

export interface ProxyListener {
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port) and forwards every connection to target. */
export async function listenProxy(target: Target, port = 0, host = '127.0.0.1'): Promise<ProxyListener> {
  const proxy = httpProxy.createProxyServer({ target: { host: target.host, port: target.port }, ws: true, xfwd: true });
  proxy.on('error', (err, _req, res) => {
    // res is the ServerResponse for a request, the socket for a WebSocket upgrade.
    if (res instanceof http.ServerResponse) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`skiff host proxy: ${target.host}:${target.port} did not answer: ${err.message}\n`);
    } else (res as net.Socket | undefined)?.destroy();
  });
  // Upstream sockets of WebSocket and raw connections, so close() ends them too.
  const upstreams = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    upstreams.add(s);
    s.on('close', () => upstreams.delete(s));
  };
  proxy.on('open', track);
  const web = http.createServer((req, res) => proxy.web(req, res));
  web.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));
  web.on('clientError', (_err, socket) => socket.destroy());
  const server = net.createServer((socket) => route(socket, target, web, track));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((ok) => {
      for (const s of [...sockets, ...upstreams]) s.destroy();
      web.closeAllConnections();
      proxy.close();
      server.close(() => ok());
    }),
  };
}

/** Reads the first bytes, then hands the connection to the HTTP server or pipes it raw. */
function route(socket: net.Socket, target: Target, web: http.Server, track: (upstream: net.Socket) => void): void {
  let first = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  const decide = (kind: 'http' | 'raw'): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    if (kind === 'http') {
      socket.unshift(first);
      web.emit('connection', socket);
      socket.resume();
    } else track(pipeRaw(socket, target, first));
  };
  const onData = (chunk: Buffer): void => {
    first = Buffer.concat([first, chunk]);
    const kind = sniff(first);
    if (kind) decide(kind);
  };
  // A client that sends a fragment and half-closes is raw TCP.
  const onEnd = (): void => decide('raw');
  const timer = setTimeout(() => decide('raw'), SERVER_FIRST_MS);
  socket.on('data', onData);
  socket.on('end', onEnd);
}

function pipeRaw(socket: net.Socket, target: Target, first: Buffer): net.Socket {
  const upstream = net.connect({ host: target.host, port: target.port });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
  if (first.length > 0) upstream.write(first);
  if (socket.readableEnded) upstream.end();
  socket.pipe(upstream);
  upstream.pipe(socket);
  socket.resume();
  return upstream;
}

// ---------------------------------------------------------------------------------------------
// The detached process and its record.

export interface Forward {
  /** The Service port's name ('' when it has none) and number. */
  name: string;
  port: number;
  nodePort: number;
  /** host:port the proxy forwards to (the control-plane node's IP and the node port). */
  target: string;
  /** The port on 127.0.0.1: 0 in a request (any), the one it got in a record. */
  hostPort: number;
}

export interface ProxyRecord {
  pid: number;
  namespace: string;
  service: string;
  forwards: Forward[];
  startedAt: string;
}

function proxiesDir(profile: string): string {
  return join(profileDir(profile), 'proxies');
}

export function recordPath(profile: string, namespace: string, service: string): string {
  return join(proxiesDir(profile), `${namespace}.${service}.json`);
}

function readRecord(path: string): ProxyRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProxyRecord;
  } catch {
    return undefined;
  }
}

export function writeRecord(path: string, record: ProxyRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2));
  renameSync(tmp, path);
}

/** Whether pid is a live host proxy (not merely a live pid: pids are reused). */
export function isHostProxy(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true; // no procfs to ask: trust the pid
  try {
    return readFileSync(cmdline, 'utf8').split('\0').includes('host-proxy');
  } catch {
    return false;
  }
}

/** The records of live proxies of a profile; records of dead ones are removed. */
export function liveProxies(profile: string): ProxyRecord[] {
  const dir = proxiesDir(profile);
  if (!existsSync(dir)) return [];
  const live: ProxyRecord[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const record = readRecord(join(dir, name));
    if (record && isHostProxy(record.pid)) live.push(record);
    else rmSync(join(dir, name), { force: true });
  }
  return live;
}

function sameTargets(a: Forward[], b: Forward[]): boolean {
  const key = (f: Forward[]) => f.map((x) => `${x.name}/${x.port}>${x.target}`).sort().join(',');
  return key(a) === key(b);
}

const SKIFF_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/skiff.js');

/**
 * A live proxy for the service's ports: the running one when its targets are the same, else a
 * new detached `skiff host-proxy` (keeping the old host ports when they are free).
 */
export async function ensureHostProxy(profile: string, namespace: string, service: string, wanted: Forward[], timeoutMs = 10_000): Promise<ProxyRecord> {
  const path = recordPath(profile, namespace, service);
  const old = readRecord(path);
  const alive = old !== undefined && isHostProxy(old.pid);
  if (alive && sameTargets(old.forwards, wanted)) return old;
  if (alive) await killProxy(old.pid);
  const preferred = wanted.map((f) => ({ ...f, hostPort: old?.forwards.find((o) => o.name === f.name && o.port === f.port)?.hostPort ?? 0 }));
  rmSync(path, { force: true });
  mkdirSync(dirname(path), { recursive: true });
  const log = join(dirname(path), `${namespace}.${service}.log`);
  const fd = openSync(log, 'a');
  const spec = JSON.stringify({ namespace, service, forwards: preferred });
  const child = spawn(process.execPath, [SKIFF_BIN, 'host-proxy', '--record', path, '--spec', spec], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = readRecord(path);
    if (record && record.pid === child.pid) return record;
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) child.kill();
      const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-3).join('\n') : '';
      throw new Error(`the host proxy for ${namespace}/${service} did not start${tail ? `: ${tail}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function killProxy(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && isHostProxy(pid); i++) await new Promise((r) => setTimeout(r, 25));
  if (isHostProxy(pid)) process.kill(pid, 'SIGKILL');
}

/** `skiff stop` and `skiff delete`: every host proxy of the profile ends. Returns how many were running. */
export async function stopHostProxies(profile: string): Promise<number> {
  const live = liveProxies(profile);
  await Promise.all(live.map((r) => killProxy(r.pid)));
  rmSync(proxiesDir(profile), { recursive: true, force: true });
  return live.length;
}

/**
 * The body of `skiff host-proxy`: one listener per forward, then the record (with this pid and the
 * ports it got) so the starter knows it serves. SIGTERM closes the listeners.
 */
export async function runHostProxy(path: string, spec: { namespace: string; service: string; forwards: Forward[] }): Promise<void> {
  const listeners: ProxyListener[] = [];
  const forwards: Forward[] = [];
  for (const f of spec.forwards) {
    const [host, port] = [f.target.slice(0, f.target.lastIndexOf(':')), Number(f.target.slice(f.target.lastIndexOf(':') + 1))];
    // The old host port when it is free, else any: a stale URL elsewhere is better than none.
    const listener = await listenProxy({ host, port }, f.hostPort).catch(() => listenProxy({ host, port }, 0));
    listeners.push(listener);
    forwards.push({ ...f, hostPort: listener.port });
  }
  writeRecord(path, { pid: process.pid, namespace: spec.namespace, service: spec.service, forwards, startedAt: new Date().toISOString() });
  const stop = async (): Promise<void> => {
    await Promise.all(listeners.map((l) => l.close()));
    if (readRecord(path)?.pid === process.pid) rmSync(path, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // A proxy nobody can find again ends itself: its record replaced by a racing start, or removed
  // with the profile's directory (`delete --purge`, a test's temporary SKIFF_HOME).
  setInterval(() => {
    if (readRecord(path)?.pid !== process.pid) void stop();
  }, ORPHAN_CHECK_MS);
}

export const ORPHAN_CHECK_MS = 2000;
