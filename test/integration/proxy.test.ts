// kube-proxy (userspace mode) against a real API server, with real sockets on loopback only:
// echo servers on 127.0.0.11–13 stand for pod endpoints, ClusterIPs are served on 127.0.0.2
// (bindAddress; 127.0.0.0/8 is all local on Linux, so NoopAddressManager) and NodePorts on
// 127.0.0.1. Services and EndpointSlices are written by the admin client, as the EndpointSlice
// controller would, with no controller running to change them.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/client.js';
import { Resources } from '../../src/client/resources.js';
import { KubeProxy, NoopAddressManager } from '../../src/proxy/index.js';
import type { EndpointSlice, Service } from '../../src/proxy/types.js';
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import { eventually, useControlPlane } from '../helpers/suite.js';

const s = useControlPlane(API_SERVER_ONLY);

const NS = 'proxy-it';
const CLUSTER_ADDR = '127.0.0.2';
const NODE_ADDR = '127.0.0.1';
const PODS = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];

let client: ApiClient;
let proxy: KubeProxy;
const logs: string[] = [];
const closers: (() => Promise<void>)[] = [];
let tcpPodPort = 0;
let udpPodPort = 0;

// ---- pod stand-ins: each answers with its own address ----

/** Replies "<ip> <request>" once the client has shut down its side: proves half-close works. */
function tcpEcho(ip: string, port: number): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    let data = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => (data += d));
    c.on('end', () => c.end(`${ip} ${data}`));
    c.on('error', () => c.destroy());
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (c) => {
    sockets.add(c);
    c.once('close', () => sockets.delete(c));
  });
  closers.push(() => new Promise((r) => {
    for (const c of sockets) c.destroy();
    server.close(() => r());
  }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port }, () => resolve(server));
  });
}

function udpEcho(ip: string, port: number): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => sock.send(`${ip} ${msg.toString()}`, rinfo.port, rinfo.address));
  closers.push(() => new Promise((r) => sock.close(() => r())));
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, ip, () => resolve(sock));
  });
}

/** All three pods on one port number, as pods of one Deployment serve the same containerPort. */
async function startPods(): Promise<void> {
  const first = await tcpEcho(PODS[0]!, 0);
  tcpPodPort = (first.address() as net.AddressInfo).port;
  for (const ip of PODS.slice(1)) await tcpEcho(ip, tcpPodPort);
  const firstUdp = await udpEcho(PODS[0]!, 0);
  udpPodPort = firstUdp.address().port;
  for (const ip of PODS.slice(1)) await udpEcho(ip, udpPodPort);
}

// ---- clients ----

/** One request through a fresh connection: write, half-close, read the whole reply. */
function ask(address: string, port: number, payload = 'ping', timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: address, port });
    let data = '';
    const timer = setTimeout(() => c.destroy(new Error(`no reply from ${address}:${port} within ${timeoutMs} ms`)), timeoutMs);
    c.setEncoding('utf8');
    c.on('connect', () => c.end(payload));
    c.on('data', (d: string) => (data += d));
    c.on('end', () => {
      clearTimeout(timer);
      resolve(data);
    });
    c.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Which pod answered a request on a fresh connection. */
async function who(address: string, port: number): Promise<string> {
  return (await ask(address, port)).split(' ')[0]!;
}

function udpAsk(sock: dgram.Socket, port: number, payload: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.off('message', onMessage);
      reject(new Error(`no udp reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: Buffer): void => {
      clearTimeout(timer);
      resolve(msg.toString());
    };
    sock.once('message', onMessage);
    sock.send(payload, port, CLUSTER_ADDR);
  });
}

function udpClient(): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  closers.push(() => new Promise((r) => sock.close(() => r())));
  return new Promise((resolve) => sock.bind(0, NODE_ADDR, () => resolve(sock)));
}

/** A port number free on the ClusterIP address right now, for a Service's port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: CLUSTER_ADDR, port: 0 }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// ---- API objects ----

async function createService(name: string, spec: Service['spec']): Promise<Service> {
  return client.create<Service>(Resources.services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
}

type Ep = NonNullable<EndpointSlice['endpoints']>[number];
const ready = (ip: string): Ep => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } });

async function createSlice(service: string, ports: EndpointSlice['ports'], endpoints: Ep[]): Promise<void> {
  await client.create(Resources.endpointslices, NS, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports,
    endpoints,
  });
}

async function setEndpoints(service: string, endpoints: Ep[]): Promise<void> {
  await client.patch(Resources.endpointslices, NS, `${service}-abcde`, 'merge', { endpoints });
}

/** Waits until the proxy's socket for this service port is bound and has `count` endpoints. */
async function proxyReady(service: string, port: number, count: number): Promise<void> {
  await eventually(async () => {
    const l = proxy.status().find((x) => x.service === `${NS}/${service}` && x.port === port);
    if (!l?.listening || l.endpoints.length !== count) throw new Error(`proxy not ready for ${service}:${port}: ${JSON.stringify(l)}`);
  }, 10_000, 20);
}

function errorCode(p: Promise<unknown>): Promise<string> {
  return p.then(
    (v) => `resolved ${JSON.stringify(v)}`,
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
}

beforeAll(async () => {
  client = ApiClient.fromKubeconfig(s.cp.kubeconfig, 'proxy-test');
  await client.create(Resources.namespaces, undefined, { metadata: { name: NS } });
  await startPods();
  proxy = new KubeProxy({
    client,
    nodeName: 'proxy-node',
    clusterIPs: true,
    bindAddress: () => CLUSTER_ADDR,
    nodePortAddress: NODE_ADDR,
    addresses: new NoopAddressManager(),
    udpIdleTimeoutMs: 2000,
    log: (m) => logs.push(m),
  });
  await proxy.start();
});

afterAll(async () => {
  await proxy?.stop();
  for (const close of closers.splice(0).reverse()) await close();
  client?.close();
});

describe('kube-proxy (userspace)', () => {
  let webPort = 0;

  it('spreads TCP connections round-robin over three ready endpoints, named targetPort included', async () => {
    webPort = await freePort();
    await createService('web', { ports: [{ name: 'http', port: webPort, targetPort: 'web' }] });
    // The slice names the port after the service port and holds the number "web" resolved to.
    await createSlice('web', [{ name: 'http', port: tcpPodPort, protocol: 'TCP' }], PODS.map(ready));
    await proxyReady('web', webPort, 3);
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) seen.push(await who(CLUSTER_ADDR, webPort));
    const counts = Object.fromEntries(PODS.map((ip) => [ip, seen.filter((x) => x === ip).length]));
    expect(counts).toEqual({ '127.0.0.11': 3, '127.0.0.12': 3, '127.0.0.13': 3 });
    // Half-close: the pod answered after reading the client's end, through the proxy.
    expect(await ask(CLUSTER_ADDR, webPort, 'hello')).toMatch(/^127\.0\.0\.1[123] hello$/);
  });

  it('stops sending new connections to a removed endpoint within a second; open ones finish', async () => {
    // A connection spliced before the change, to whichever pod: it must still complete after.
    const open = net.connect({ host: CLUSTER_ADDR, port: webPort });
    closers.push(async () => void open.destroy());
    await new Promise<void>((r) => open.once('connect', () => r()));
    const reply = new Promise<string>((resolve, reject) => {
      let data = '';
      open.setEncoding('utf8');
      open.on('data', (d: string) => (data += d));
      open.on('end', () => resolve(data));
      open.on('error', reject);
    });

    const t0 = Date.now();
    await setEndpoints('web', [ready(PODS[0]!), ready(PODS[1]!)]);
    // Six in a row without .13 (with three in rotation it would be every third).
    let streak = 0;
    for (let i = 0; i < 200 && streak < 6; i++) streak = (await who(CLUSTER_ADDR, webPort)) === PODS[2] ? 0 : streak + 1;
    expect(streak).toBe(6);
    expect(Date.now() - t0).toBeLessThan(1000);
    for (let i = 0; i < 10; i++) expect(await who(CLUSTER_ADDR, webPort)).not.toBe(PODS[2]);

    // An endpoint still listed but no longer ready gets nothing either.
    await setEndpoints('web', [ready(PODS[0]!), { addresses: [PODS[1]!], conditions: { ready: false, serving: false, terminating: false } }]);
    await proxyReady('web', webPort, 1);
    for (let i = 0; i < 5; i++) expect(await who(CLUSTER_ADDR, webPort)).toBe(PODS[0]);

    open.end('late');
    expect(await reply).toMatch(/^127\.0\.0\.1[123] late$/);
  });

  it('resets connections at once when no endpoint is ready', async () => {
    await setEndpoints('web', [{ addresses: [PODS[0]!], conditions: { ready: false, serving: false, terminating: false } }]);
    await proxyReady('web', webPort, 0);
    const t0 = Date.now();
    expect(await errorCode(ask(CLUSTER_ADDR, webPort))).toBe('ECONNRESET');
    expect(Date.now() - t0).toBeLessThan(500);
    // Ready again: served again.
    await setEndpoints('web', [ready(PODS[2]!)]);
    await proxyReady('web', webPort, 1);
    expect(await who(CLUSTER_ADDR, webPort)).toBe(PODS[2]);
  });

  it('answers a NodePort on the node address as well as the ClusterIP', async () => {
    const port = await freePort();
    const svc = await createService('np', { type: 'NodePort', ports: [{ port, targetPort: tcpPodPort }] });
    const nodePort = (svc.spec!.ports![0]!.nodePort)!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    await createSlice('np', [{ name: '', port: tcpPodPort, protocol: 'TCP' }], [ready(PODS[1]!)]);
    await proxyReady('np', nodePort, 1);
    await proxyReady('np', port, 1);
    expect(await who(NODE_ADDR, nodePort)).toBe(PODS[1]);
    expect(await who(CLUSTER_ADDR, port)).toBe(PODS[1]);
  });

  it('keeps a ClientIP-affinity client on one endpoint', async () => {
    const port = await freePort();
    await createService('sticky', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port, targetPort: tcpPodPort }] });
    await createSlice('sticky', [{ name: '', port: tcpPodPort, protocol: 'TCP' }], PODS.map(ready));
    await proxyReady('sticky', port, 3);
    const seen = new Set<string>();
    for (let i = 0; i < 9; i++) seen.add(await who(CLUSTER_ADDR, port));
    expect(seen.size).toBe(1);
  });

  it('relays UDP both ways through a per-client session', async () => {
    const port = await freePort();
    await createService('dns', { ports: [{ name: 'dns', port, protocol: 'UDP', targetPort: udpPodPort }] });
    await createSlice('dns', [{ name: 'dns', port: udpPodPort, protocol: 'UDP' }], PODS.map(ready));
    await proxyReady('dns', port, 3);
    const a = await udpClient();
    const first = await eventually(() => udpAsk(a, port, 'q1', 500), 5000, 50);
    expect(first).toMatch(/^127\.0\.0\.1[123] q1$/);
    const pod = first.split(' ')[0];
    // Same client address: same session, same endpoint.
    expect(await udpAsk(a, port, 'q2')).toBe(`${pod} q2`);
    // Other client addresses are balanced over the endpoints.
    const pods = new Set<string>([pod!]);
    for (let i = 0; i < 3; i++) pods.add((await udpAsk(await udpClient(), port, 'q')).split(' ')[0]!);
    expect(pods.size).toBe(3);
    // Its endpoint removed, the same client's session ends and its next datagram goes elsewhere.
    await setEndpoints('dns', PODS.filter((ip) => ip !== pod).map(ready));
    await proxyReady('dns', port, 2);
    expect((await udpAsk(a, port, 'q3')).split(' ')[0]).not.toBe(pod);
  });

  it('tries the next endpoint when one refuses the connection', async () => {
    const port = await freePort();
    await createService('flaky', { ports: [{ port, targetPort: tcpPodPort }] });
    // 127.0.0.14 has nothing listening: every connection sent there is refused and retried.
    await createSlice('flaky', [{ name: '', port: tcpPodPort, protocol: 'TCP' }], [ready(PODS[0]!), ready('127.0.0.14')]);
    await proxyReady('flaky', port, 2);
    for (let i = 0; i < 4; i++) expect(await who(CLUSTER_ADDR, port)).toBe(PODS[0]);
  });

  it('retries a port that is in use and serves once it is free', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: CLUSTER_ADDR, port }, () => r()));
    await createService('busy', { ports: [{ port, targetPort: tcpPodPort }] });
    await createSlice('busy', [{ name: '', port: tcpPodPort, protocol: 'TCP' }], [ready(PODS[0]!)]);
    await eventually(async () => {
      if (!logs.some((m) => m.includes(`listen on tcp ${CLUSTER_ADDR}:${port} failed (retry in`) && m.includes('EADDRINUSE'))) throw new Error('no retry logged');
    }, 5000, 20);
    await new Promise<void>((r) => blocker.close(() => r()));
    await proxyReady('busy', port, 1);
    expect(await who(CLUSTER_ADDR, port)).toBe(PODS[0]);
  });

  it('closes the listener when the Service is deleted', async () => {
    await client.delete(Resources.services, NS, 'web');
    await eventually(async () => {
      if (proxy.status().some((l) => l.service === `${NS}/web`)) throw new Error('web still served');
    }, 5000, 20);
    expect(await errorCode(ask(CLUSTER_ADDR, webPort))).toBe('ECONNREFUSED');
  });
});
