// `skiff start --nodes 3`: a control-plane node and two workers (<profile>-m02, -m03), all Ready,
// a Deployment spread over the three, and a ClusterIP reached from a worker's pod answering from
// pods on every node; delete removes all three.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { repoRoot } from '../helpers/controlplane.js';
import { docker, labelled, requireDocker, uniqueProfile } from '../helpers/docker.js';
import { ensureBusyboxImage } from '../helpers/images.js';
import { Kubectl } from '../helpers/kubectl.js';
import { eventually, row } from '../helpers/suite.js';

const run = promisify(execFile);
const driver = new DockerDriver();
const profile = uniqueProfile('mn');
const home = mkdtempSync(join(tmpdir(), 'skiff-multinode-e2e-'));
const env = { ...process.env, SKIFF_HOME: join(home, 'skiff'), KUBECONFIG: join(home, 'kubeconfig') };
const k = new Kubectl({ kubeconfig: env.KUBECONFIG, version: '1.32', cacheDir: join(home, 'kubectl-cache') });
const NODES = [profile, `${profile}-m02`, `${profile}-m03`];
let image = '';

const skiff = (...args: string[]) => run(process.execPath, [join(repoRoot, 'bin', 'skiff.js'), ...args], { env, cwd: repoRoot, timeout: 180_000 });

beforeAll(async () => {
  await requireDocker(driver);
  image = await ensureBusyboxImage(driver);
}, 120_000);

afterAll(async () => {
  await skiff('delete', '-p', profile).catch(() => {});
  await driver.removeProfile(profile);
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('skiff start --nodes 3', () => {
  it('gives three Ready nodes', async () => {
    await skiff('start', '-p', profile, '--nodes', '3');
    const out = await k.ok(['get', 'nodes']);
    expect(NODES.map((n) => row(out, n).slice(1, 3))).toEqual([['Ready', 'control-plane'], ['Ready', '<none>'], ['Ready', '<none>']]);
    // Each node's kube-proxy shows as its mirror pod, as minikube's DaemonSet pods do.
    await eventually(async () => {
      const proxies = JSON.parse(await k.ok(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '-o', 'json'])).items;
      expect(proxies.map((p: any) => [p.spec.nodeName, p.status.phase]).sort()).toEqual(NODES.map((n) => [n, 'Running']).sort());
    }, 30_000, 250);
  });

  it('spreads a Deployment over the nodes, and a ClusterIP answers a worker\'s pod from every node', async () => {
    await k.ok(['create', 'deployment', 'web', `--image=${image}`, '--replicas=6', '--',
      'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
    const pods = await eventually(async () => {
      const list = JSON.parse(await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json'])).items;
      expect(list.filter((p: any) => p.status.phase === 'Running')).toHaveLength(6);
      return list as any[];
    }, 60_000, 250);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(NODES));

    await k.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    const ip = JSON.parse(await k.ok(['get', 'service', 'web', '-o', 'json'])).spec.clusterIP;
    await k.ok(['run', 'client', `--image=${image}`, '--restart=Never', `--overrides={"spec":{"nodeName":"${NODES[1]}"}}`, '--',
      'sh', '-c', `for i in $(seq 1 12); do n=0; until timeout 3 wget -qO- http://${ip}/; do n=$((n+1)); [ $n -gt 40 ] && exit 1; sleep 0.25; done; done`]);
    await eventually(async () => expect(row(await k.ok(['get', 'pod', 'client']), 'client')[2]).toBe('Completed'), 40_000, 250);
    const id = await docker('ps', '-aq', '--filter', 'label=io.kubernetes.pod.name=client', '--filter', 'label=io.kubernetes.docker.type=container', '--filter', `label=skiff.dev/profile=${profile}`);
    const answered = new Set((await docker('logs', id)).split('\n').filter(Boolean));
    const byNode = new Map(pods.map((p) => [p.metadata.name, p.spec.nodeName]));
    expect(new Set([...answered].map((name) => byNode.get(name)))).toEqual(new Set(NODES));
  });

  it('a UDP ClusterIP answers a pod on a worker from every endpoint', async () => {
    // busybox has no UDP server: the node image's Node.js serves (pods may run any local image).
    const nodeImage = await docker('inspect', '-f', '{{.Config.Image}}', profile);
    const server = "require('dgram').createSocket('udp4').on('message', function (m, r) { this.send(require('os').hostname(), r.port, r.address); }).bind(9000)";
    await k.ok(['create', 'deployment', 'echo', `--image=${nodeImage}`, '--replicas=3', '--', 'node', '-e', server]);
    const pods = await eventually(async () => {
      const list = JSON.parse(await k.ok(['get', 'pods', '-l', 'app=echo', '-o', 'json'])).items;
      expect(list.filter((p: any) => p.status.phase === 'Running')).toHaveLength(3);
      return list as any[];
    }, 60_000, 250);
    await k.ok(['expose', 'deployment', 'echo', '--port=53', '--target-port=9000', '--protocol=UDP']);
    const ip = JSON.parse(await k.ok(['get', 'service', 'echo', '-o', 'json'])).spec.clusterIP;
    // Each question from its own socket (a new client session), retried until kube-proxy serves it.
    const client = `const d = require('dgram'); const seen = []; let asked = 0;
      function ask() { if (asked++ > 200) process.exit(1); const s = d.createSocket('udp4'); const t = setTimeout(() => { s.close(); ask(); }, 300);
        s.on('message', (m) => { clearTimeout(t); s.close(); seen.push(String(m)); if (seen.length === 12) { console.log(seen.join('\\n')); process.exit(0); } ask(); });
        s.send('who', 53, '${ip}'); }
      ask();`;
    await k.ok(['run', 'udpclient', `--image=${nodeImage}`, '--restart=Never', `--overrides={"spec":{"nodeName":"${NODES[2]}"}}`, '--', 'node', '-e', client]);
    await eventually(async () => expect(row(await k.ok(['get', 'pod', 'udpclient']), 'udpclient')[2]).toBe('Completed'), 60_000, 250);
    const id = await docker('ps', '-aq', '--filter', 'label=io.kubernetes.pod.name=udpclient', '--filter', 'label=io.kubernetes.docker.type=container', '--filter', `label=skiff.dev/profile=${profile}`);
    const answered = new Set((await docker('logs', id)).split('\n').filter(Boolean));
    expect(answered).toEqual(new Set(pods.map((p) => p.metadata.name)));
  });

  it('delete removes every node', async () => {
    await skiff('delete', '-p', profile);
    expect(await labelled(profile)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
