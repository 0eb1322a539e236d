// `skiff start` end to end, as a user runs it: the real CLI (bin/skiff.js) with its own SKIFF_HOME
// and KUBECONFIG, real Docker and real kubectl 1.32. A Ready control-plane node with the control
// plane's mirror pods; a 3-replica Deployment serving HTTP from its pods, its ClusterIP and NodePort;
// kubectl 1.32 and 1.27 logs, exec and port-forward through the node's kubelet; a killed container
// restarted and counted; stop (status says so, exit 5) and start again with the same objects and
// pod addresses; new sizes remaking the node over its state; delete leaving nothing of the profile.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { docker as dockerCli, fetchText, labelled, requireDocker, uniqueProfile } from '../helpers/docker.js';
import { ensureBusyboxImage } from '../helpers/images.js';
import { Kubectl } from '../helpers/kubectl.js';
import { skiffCli } from '../helpers/skiffcli.js';
import { eventually, row } from '../helpers/suite.js';

const driver = new DockerDriver();
const profile = uniqueProfile('st');
const home = mkdtempSync(join(tmpdir(), 'skiff-start-e2e-'));
const env = { ...process.env, SKIFF_HOME: join(home, 'skiff'), KUBECONFIG: join(home, 'kubeconfig') };
const kubectl = (version: '1.32' | '1.27') => new Kubectl({ kubeconfig: env.KUBECONFIG, version, cacheDir: join(home, 'kubectl-cache') });
const k = kubectl('1.32');
let image = '';

const skiff = skiffCli(env);


/** The STATUS `skiff profile list` gives this profile. */
async function listedStatus(): Promise<string> {
  return JSON.parse((await skiff('profile', 'list', '-o', 'json')).stdout).valid.find((p: { name: string }) => p.name === profile)?.status;
}

async function webPods(): Promise<{ name: string; ip: string; phase: string }[]> {
  const list = JSON.parse(await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json']));
  return list.items.filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => ({ name: p.metadata.name, ip: p.status.podIP, phase: p.status.phase }))
    .sort((a: any, b: any) => a.name.localeCompare(b.name));
}

beforeAll(async () => {
  await requireDocker(driver);
  image = await ensureBusyboxImage(driver);
}, 120_000);

afterAll(async () => {
  await skiff('delete', '-p', profile);
  await driver.removeProfile(profile);
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('skiff start', () => {
  it('starts a cluster whose node is Ready and whose control plane shows in kube-system', async () => {
    const r = await skiff('start', '-p', profile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ Creating the control-plane node/);
    expect(r.stderr).toMatch(new RegExp(`Done! kubectl is now configured to use "${profile}"`));
    const config = readFileSync(env.KUBECONFIG, 'utf8');
    expect(config).toMatch(new RegExp(`current-context: ${profile}`));
    expect(row(await k.ok(['get', 'nodes']), profile).slice(1, 3)).toEqual(['Ready', 'control-plane']);
    const ip = (await skiff('ip', '-p', profile)).stdout.trim();
    expect(ip).toMatch(/^10\.\d+\.0\.2$/);
    expect(JSON.parse((await skiff('node', 'list', '-p', profile, '-o', 'json')).stdout)).toEqual([{ name: profile, role: 'control-plane', ip }]);
    expect((await skiff('kubectl', '-p', profile, '--', 'get', 'nodes', '-o', 'name')).stdout.trim()).toBe(`node/${profile}`);
    expect(await listedStatus()).toBe('Running');
    await eventually(async () => {
      const out = await k.ok(['get', 'pods', '-n', 'kube-system']);
      for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(row(out, `${c}-${profile}`).slice(1, 3)).toEqual(['1/1', 'Running']);
      expect(out).toMatch(/^kube-proxy-[0-9a-f]{5}\s+1\/1\s+Running\s/m);
    }, 30_000, 250);
  });

  it('runs a Deployment whose pods serve HTTP from their own addresses', async () => {
    await k.ok(['create', 'deployment', 'web', `--image=${image}`, '--replicas=3', '--',
      'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
    const pods = await eventually(async () => {
      const list = await webPods();
      expect(list.map((p) => p.phase)).toEqual(['Running', 'Running', 'Running']);
      return list;
    }, 60_000, 250);
    for (const p of pods) expect((await eventually(() => fetchText(p.ip, 8080), 10_000, 200)).trim()).toBe(p.name);
  });

  it('a Service\'s ClusterIP answers from a pod, spread over the replicas; its NodePort answers on the node', async () => {
    await k.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--type=NodePort']);
    const svc = JSON.parse(await k.ok(['get', 'service', 'web', '-o', 'json']));
    const clusterIP: string = svc.spec.clusterIP;
    expect(clusterIP).toMatch(/^10\.\d+\.0\.\d+$/); // the first /16 of the profile's network
    // A client pod asks the ClusterIP eight times (each retried until kube-proxy serves it, which
    // follows the Service within a moment); its output is read from its stopped container.
    // busybox-static's own `wget -T` crashes, hence timeout(1).
    await k.ok(['run', 'client', `--image=${image}`, '--restart=Never', '--',
      'sh', '-c', `for i in 1 2 3 4 5 6 7 8; do n=0; until timeout 3 wget -qO- http://${clusterIP}/; do n=$((n+1)); [ $n -gt 40 ] && exit 1; sleep 0.25; done; done`]);
    const phase = await eventually(async () => {
      const p = JSON.parse(await k.ok(['get', 'pod', 'client', '-o', 'json']));
      expect(['Succeeded', 'Failed']).toContain(p.status.phase);
      return p.status.phase;
    }, 40_000, 250);
    const id = await dockerCli('ps', '-aq', '--filter', 'label=io.kubernetes.pod.name=client', '--filter', 'label=io.kubernetes.docker.type=container', '--filter', `label=skiff.dev/profile=${profile}`);
    const output = await dockerCli('logs', id);
    expect(phase, output).toBe('Succeeded');
    const answers = output.split('\n').filter(Boolean);
    expect(answers).toHaveLength(8);
    expect(new Set(answers)).toEqual(new Set((await webPods()).map((p) => p.name)));
    const nodeIp = JSON.parse(await k.ok(['get', 'node', profile, '-o', 'json'])).status.addresses.find((a: any) => a.type === 'InternalIP').address;
    const served = await eventually(() => fetchText(nodeIp, svc.spec.ports[0].nodePort), 10_000, 200);
    expect((await webPods()).map((p) => p.name)).toContain(served.trim());
    await k.ok(['delete', 'pod', 'client']);
  });

  it.each(['1.32', '1.27'] as const)('kubectl %s reads logs, execs and port-forwards through the pod\'s node', async (v) => {
    const kv = kubectl(v);
    // The first version's run makes the pod whose output both read.
    if ((await k.run(['get', 'pod', 'talker'])).code !== 0) {
      await k.ok(['run', 'talker', `--image=${image}`, '--', 'sh', '-c', 'echo hello from talker; exec sleep 3600']);
    }
    await eventually(async () => expect(await kv.ok(['logs', 'talker'])).toBe('hello from talker\n'), 30_000, 250);
    const [pod] = await webPods();
    expect(await kv.ok(['exec', pod!.name, '--', 'hostname'])).toBe(`${pod!.name}\n`);
    expect((await kv.run(['exec', pod!.name, '--', 'sh', '-c', 'exit 3'])).code).toBe(3);
    const forward = kv.stream(['port-forward', `pod/${pod!.name}`, ':8080']);
    try {
      const line = await forward.waitForLine(/Forwarding from 127\.0\.0\.1:\d+/, 15_000);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
      expect((await fetchText('127.0.0.1', port)).trim()).toBe(pod!.name);
    } finally {
      await forward.stop();
    }
  });

  it('a killed container is restarted, and RESTARTS counts it', async () => {
    const [pod] = await webPods();
    const id = await dockerCli('ps', '-q', '--filter', `label=io.kubernetes.pod.name=${pod!.name}`, '--filter', 'label=io.kubernetes.docker.type=container', '--filter', `label=skiff.dev/profile=${profile}`);
    await dockerCli('kill', id);
    await eventually(async () => {
      const cells = row(await k.ok(['get', 'pod', pod!.name]), pod!.name);
      expect(cells.slice(1, 3)).toEqual(['1/1', 'Running']);
      expect(Number.parseInt(cells[3]!, 10)).toBe(1); // "1 (3s ago)"
    }, 40_000, 250);
    expect((await eventually(() => fetchText(pod!.ip, 8080), 10_000, 200)).trim()).toBe(pod!.name);
    await k.ok(['delete', 'pod', 'talker', '--ignore-not-found']);
  });

  it('stop keeps the state; status says it is down; start brings the same pods back', async () => {
    const before = await webPods();
    expect((await skiff('stop', '-p', profile)).code).toBe(0);
    const down = await skiff('status', '-p', profile, '-o', 'json');
    expect(down.code).toBe(5);
    expect(JSON.parse(down.stdout)).toEqual([{ Name: profile, Host: 'Stopped', APIServer: 'Stopped' }]);
    expect((await labelled(profile)).containers.length).toBeGreaterThan(0); // stopped, not removed
    expect(await listedStatus()).toBe('Stopped');

    const again = await skiff('start', '-p', profile);
    expect(again.code, again.stderr).toBe(0);
    const up = await skiff('status', '-p', profile, '-o', 'json');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toEqual([{ Name: profile, Host: 'Running', APIServer: 'Running' }]);
    const after = await eventually(async () => {
      const list = await webPods();
      expect(list.map((p) => p.phase)).toEqual(['Running', 'Running', 'Running']);
      return list;
    }, 60_000, 250);
    expect(after).toEqual(before);
    for (const p of after) expect((await eventually(() => fetchText(p.ip, 8080), 10_000, 200)).trim()).toBe(p.name);
  });

  it('start with new sizes remakes the node container over its state: same address, same objects', async () => {
    const before = await webPods();
    const oldId = await dockerCli('inspect', '-f', '{{.Id}}', profile);
    const ip = (await skiff('ip', '-p', profile)).stdout.trim();
    const again = await skiff('start', '-p', profile, '--memory', '3000mb');
    expect(again.code, again.stderr).toBe(0);
    expect(await dockerCli('inspect', '-f', '{{.Id}}', profile)).not.toBe(oldId);
    expect(await dockerCli('inspect', '-f', '{{.HostConfig.Memory}}', profile)).toBe(String(3000 * 1024 * 1024));
    expect((await skiff('ip', '-p', profile)).stdout.trim()).toBe(ip);
    const after = await eventually(async () => {
      const list = await webPods();
      expect(list.map((p) => p.phase)).toEqual(['Running', 'Running', 'Running']);
      return list;
    }, 60_000, 250);
    expect(after.map((p) => p.name)).toEqual(before.map((p) => p.name));
    for (const p of after) expect((await eventually(() => fetchText(p.ip, 8080), 10_000, 200)).trim()).toBe(p.name);
  });

  it('delete leaves no container, network or volume of the profile, and no kubeconfig entry', async () => {
    expect((await skiff('delete', '-p', profile)).code).toBe(0);
    expect(await labelled(profile)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(readFileSync(env.KUBECONFIG, 'utf8')).not.toContain(profile);
    const status = await skiff('status', '-p', profile);
    expect(status.code).toBe(4);
  });
});
