// Streams through the API server to the node agent's kubelet server, judged by real kubectl 1.32
// (WebSocket exec/attach, WebSocket-tunneled SPDY port-forward) and 1.27 (SPDY/3.1 everywhere):
// logs (-f, --tail, --previous), exec (stdin, exit codes, >1 MiB each way through kubectl cp),
// attach, port-forward, pods/proxy and services/proxy, and RBAC on exec.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseKubeconfig } from '../helpers/controlplane.js';
import { useDockerAgent } from '../helpers/dockeragent.js';
import type { KubectlVersion } from '../helpers/kubectl.js';
import { eventually } from '../helpers/suite.js';

const d = useDockerAgent('st');
const s = d.suite;
const NODE = d.node;
const k = (v: KubectlVersion = '1.32') => d.kubectl(v);
/** Files kubectl cp copies in and out. */
const dir = mkdtempSync(join(tmpdir(), 'skiff-streaming-'));

/** A 1.5 MiB page beside the index, for a large download through port-forward. */
const BOX_SCRIPT = [
  'mkdir -p /www /tmp',
  'echo hello-from-httpd > /www/index.html',
  'head -c 1572864 /dev/zero | tr "\\0" "x" > /www/big.txt',
  'httpd -p 8080 -h /www',
  'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 1; done',
].join('; ');

function httpText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function running(name: string): Promise<void> {
  await eventually(async () => {
    const pod = JSON.parse(await k().ok(['get', 'pod', name, '-o', 'json']));
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.containerStatuses.every((c: any) => c.state.running)).toBe(true);
  }, 60_000, 250).catch(async (err) => {
    throw new Error(`${err}\n${await k().ok(['get', 'pod', name, '-o', 'yaml'])}\nagent:\n${d.agentOutput()}`);
  });
}

beforeAll(async () => {
  await k().ok(['run', 'box', `--image=${d.image}`, '--', 'sh', '-c', BOX_SCRIPT]);
  await k().ok(['run', 'crashy', `--image=${d.image}`, '--', 'sh', '-c', 'echo "run at $(date +%s)"; sleep 2; exit 1']);
  await k().ok(['expose', 'pod', 'box', '--port=80', '--target-port=8080', '--name=boxsvc']);
  await running('box');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the kubelet server', () => {
  it('reports its port in the Node status', async () => {
    const node = JSON.parse(await k().ok(['get', 'node', NODE, '-o', 'json']));
    const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(10250); // --kubelet-port 0 picked a free one
  });

  it('is reached through nodes/proxy with the API server\'s client certificate', async () => {
    expect(await k().ok(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`])).toBe('ok');
    expect(await k().ok(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/containerLogs/default/box/box?tailLines=1`])).toMatch(/^line \d+\n$/);
  });
});

describe.each(['1.32', '1.27'] as const)('kubectl %s', (v) => {
  it('reads logs, the last lines, and follows', async () => {
    await eventually(async () => expect(await k(v).ok(['logs', 'box'])).toMatch(/^line 0\nline 1\n/), 10_000, 250);
    const tail = await k(v).ok(['logs', 'box', '--tail=1']);
    expect(tail).toMatch(/^line \d+\n$/);
    const stamped = await k(v).ok(['logs', 'box', '--tail=1', '--timestamps']);
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line \d+\n$/);
    const follow = k(v).stream(['logs', '-f', 'box', '--tail=0']);
    try {
      await follow.waitForLine(/^line \d+$/, 10_000);
    } finally {
      await follow.stop();
    }
  });

  it('execs a command, with stdin, and passes its exit code on', async () => {
    expect(await k(v).ok(['exec', 'box', '--', 'echo', 'hi'])).toBe('hi\n');
    expect(await k(v).ok(['exec', '-i', 'box', '--', 'sh', '-c', 'wc -c'], { stdin: 'hello there\n' })).toMatch(/^\s*12\n$/);
    const err = await k(v).run(['exec', 'box', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(err.code).toBe(3);
    expect(err.stderr).toContain('oops');
    const missing = await k(v).run(['exec', 'box', '-c', 'nope', '--', 'true']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('container nope is not valid for pod box');
  });

  it('copies more than a MiB in and out with kubectl cp', async () => {
    const data = randomBytes(1536 * 1024);
    const src = join(dir, `in-${v}.bin`);
    const back = join(dir, `out-${v}.bin`);
    writeFileSync(src, data);
    await k(v).ok(['cp', src, `box:/tmp/in-${v}.bin`], { cwd: dir, timeoutMs: 60_000 });
    expect((await k(v).ok(['exec', 'box', '--', 'wc', '-c', `/tmp/in-${v}.bin`])).trim()).toBe(`${data.length} /tmp/in-${v}.bin`);
    await k(v).ok(['cp', `box:/tmp/in-${v}.bin`, back], { cwd: dir, timeoutMs: 60_000 });
    expect(readFileSync(back).equals(data)).toBe(true);
  });

  it('attaches to the running container', async () => {
    const attach = k(v).stream(['attach', 'box']);
    try {
      await attach.waitForLine(/^line \d+$/, 15_000);
    } finally {
      await attach.stop();
    }
  });

  it('runs a pod with stdin attached (kubectl run -i --rm), taking its exit code from the pod', async () => {
    const name = `run-${v.replace('.', '')}`;
    const r = await k(v).run(['run', '-i', '--rm', name, `--image=${d.image}`, '--restart=Never', '--', 'sh'], { stdin: 'echo "from $((40 + 2))"\nexit 3\n', timeoutMs: 60_000 });
    expect(r.code).toBe(3);
    // Once: an attach that reported failure would make kubectl print the logs a second time.
    expect(r.stdout.match(/from 42/g)).toEqual(['from 42']);
  });

  it('forwards a local port to the pod', async () => {
    const forward = k(v).stream(['port-forward', 'pod/box', ':8080']);
    try {
      const line = await forward.waitForLine(/Forwarding from 127\.0\.0\.1:\d+/, 15_000);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
      expect(await httpText(port, '/')).toBe('hello-from-httpd\n');
      const big = await httpText(port, '/big.txt');
      expect(big.length).toBe(1572864);
      // A second connection over the same session.
      expect(await httpText(port, '/index.html')).toBe('hello-from-httpd\n');
    } finally {
      await forward.stop();
    }
  });

  it('proxies to the pod and to the service', async () => {
    expect(await k(v).ok(['get', '--raw', '/api/v1/namespaces/default/pods/box:8080/proxy/'])).toBe('hello-from-httpd\n');
    await eventually(async () => {
      expect(await k(v).ok(['get', '--raw', '/api/v1/namespaces/default/services/boxsvc:80/proxy/index.html'])).toBe('hello-from-httpd\n');
    }, 20_000, 250);
    expect(await k(v).ok(['get', '--raw', '/api/v1/namespaces/default/services/http:boxsvc:80/proxy/'])).toBe('hello-from-httpd\n');
  });
});

describe('upgrade requests', () => {
  it('serves a request that offers an upgrade but is no stream as the plain request it is', async () => {
    const { server, token } = parseKubeconfig(readFileSync(s.cp.kubeconfig, 'utf8'));
    const u = new URL(`${server}/api/v1/namespaces/default/pods/box`);
    const reply = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}`, Connection: 'Upgrade', Upgrade: 'websocket' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply.code).toBe(200);
    expect(JSON.parse(reply.body).metadata.name).toBe('box');
  });
});

describe('errors', () => {
  it('shows the previous container\'s logs after a restart', async () => {
    await eventually(async () => {
      const pod = JSON.parse(await k().ok(['get', 'pod', 'crashy', '-o', 'json']));
      expect(pod.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(1);
    }, 60_000, 250);
    for (const v of ['1.32', '1.27'] as const) {
      expect(await k(v).ok(['logs', 'crashy', '--previous'])).toMatch(/^run at \d+\n$/);
    }
  });

  it('says there is no previous container before a restart', async () => {
    const r = await k().run(['logs', 'box', '--previous']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('previous terminated container "box" in pod "box" not found');
  });

  it('asks for a container name when a pod has several', async () => {
    await k().ok(['apply', '-f', '-'], { stdin: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pair' },
      spec: { containers: [
        { name: 'a', image: d.image, command: ['sh', '-c', 'echo from-a; sleep 3600'] },
        { name: 'b', image: d.image, command: ['sh', '-c', 'echo from-b; sleep 3600'] },
      ] },
    }) });
    await running('pair');
    const r = await k().run(['get', '--raw', '/api/v1/namespaces/default/pods/pair/log']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('a container name must be specified for pod pair, choose one of: [a b]');
    // kubectl itself picks the first container (and says so), or the one named.
    expect(await k().ok(['logs', 'pair', '-c', 'b'])).toBe('from-b\n');
    expect(await k().ok(['exec', 'pair', '-c', 'b', '--', 'echo', 'in-b'])).toBe('in-b\n');
  });

  it('refuses exec to a service account without RBAC', async () => {
    await k().ok(['create', 'serviceaccount', 'nobody']);
    const token = (await k().ok(['create', 'token', 'nobody'])).trim();
    for (const v of ['1.32', '1.27'] as const) {
      const r = await k(v).run(['--token', token, 'exec', 'box', '--', 'echo', 'hi']);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('User "system:serviceaccount:default:nobody" cannot get resource "pods"');
    }
  });

  it('refuses exec to a user who may only read pods/exec', async () => {
    await k().ok(['create', 'serviceaccount', 'reader']);
    await k().ok(['create', 'role', 'reader', '--verb=get,list', '--resource=pods,pods/exec,pods/log']);
    await k().ok(['create', 'rolebinding', 'reader', '--role=reader', '--serviceaccount=default:reader']);
    const token = (await k().ok(['create', 'token', 'reader'])).trim();
    // It may read logs…
    expect(await k().ok(['--token', token, 'logs', 'box', '--tail=1'])).toMatch(/^line \d+\n$/);
    for (const v of ['1.32', '1.27'] as const) {
      const r = await k(v).run(['--token', token, 'exec', 'box', '--', 'echo', 'hi']);
      expect(r.code).not.toBe(0);
      expect(r.stdout).not.toContain('hi');
      expect(r.stderr).toMatch(/forbidden|Forbidden/);
    }
    // …and the WebSocket upgrade itself gets the Status 403 naming the create verb.
    const { server } = parseKubeconfig(readFileSync(s.cp.kubeconfig, 'utf8'));
    const url = `${server.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/box/exec?command=echo&command=hi&stdout=true`;
    const reply = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(url, ['v5.channel.k8s.io'], { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false });
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      ws.on('error', () => { /* after unexpected-response */ });
    });
    expect(reply.code).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
    expect(JSON.parse(reply.body).message).toContain('cannot create resource "pods/exec"');
  });
});
