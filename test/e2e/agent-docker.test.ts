// Real pods: `skiff agent --runtime docker` runs the pods the control plane binds to it as Docker
// containers on a profile network, driven with real kubectl 1.32: a Deployment serving HTTP from
// its pods' own addresses, a deleted pod's containers removed, a crash-looping container counted
// in RESTARTS, and an image that is not there shown as ErrImagePull, then ImagePullBackOff.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { ensureBuilt, prepareSandboxImage } from '../../src/driver/docker/nodeimage.js';
import { AgentProcess } from '../helpers/agent.js';
import { docker, fetchText, requireDocker, uniqueProfile } from '../helpers/docker.js';
import { ensureBusyboxImage } from '../helpers/images.js';
import { eventually, row, useControlPlane } from '../helpers/suite.js';

const driver = new DockerDriver();
const profile = uniqueProfile('ag');
const NODE = `${profile}-node`;
const nodeDir = mkdtempSync(join(tmpdir(), 'skiff-agent-docker-'));
const nodeKubeconfig = join(nodeDir, 'node-kubeconfig');
const s = useControlPlane({ extraArgs: ['--node-kubeconfig-out', nodeKubeconfig] });
const k = () => s.kubectl('1.32');
let agent: AgentProcess | undefined;
let image = '';

async function podsOf(selector: string): Promise<any[]> {
  return JSON.parse(await k().ok(['get', 'pods', '-l', selector, '-o', 'json'])).items.filter((p: any) => !p.metadata.deletionTimestamp);
}


beforeAll(async () => {
  await requireDocker(driver);
  const network = await driver.ensureNetwork(profile);
  const [sandbox, busybox] = await Promise.all([ensureBuilt(driver, prepareSandboxImage), ensureBusyboxImage(driver)]);
  image = busybox;
  // Pods take /24s from the second /16 of the node range (10.101.0.0/16 for the first profile).
  const [a, b] = network.ipRange.split('.');
  const clusterCidr = `${a}.${Number(b) + 1}.0.0/16`;
  agent = new AgentProcess([
    '--kubeconfig', nodeKubeconfig, '--node-name', NODE, '--runtime', 'docker',
    '--profile', profile, '--sandbox-image', sandbox, '--cluster-cidr', clusterCidr, '--kubelet-port', '0',
  ]);
  await eventually(async () => expect(row(await k().ok(['get', 'nodes']), NODE)[1]).toBe('Ready'), 30_000, 250)
    .catch((err) => { throw new Error(`${err}\nagent:\n${agent?.output}`); });
}, 300_000);

afterAll(async () => {
  await agent?.stop();
  const ids = (await docker('ps', '-aq', '--filter', `label=skiff.dev/profile=${profile}`)).split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids);
  await driver.removeProfile(profile);
  rmSync(nodeDir, { recursive: true, force: true });
}, 60_000);

describe('skiff agent --runtime docker', () => {
  it('runs a Deployment\'s pods as containers that serve from their own addresses', async () => {
    await k().ok(['create', 'deployment', 'web', `--image=${image}`, '--replicas=2', '--',
      'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
    const pods = await eventually(async () => {
      const list = await podsOf('app=web');
      expect(list.map((p) => p.status.phase)).toEqual(['Running', 'Running']);
      return list;
    }, 60_000, 250);
    for (const pod of pods) {
      expect(pod.status.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(String(pod.status.containerStatuses[0].containerID)).toMatch(/^docker:\/\//);
      const body = await eventually(() => fetchText(pod.status.podIP, 8080), 10_000, 200);
      expect(body.trim()).toBe(pod.metadata.name);
    }
    const labelled = await docker('ps', '--filter', `label=skiff.dev/profile=${profile}`, '--filter', 'label=io.kubernetes.docker.type=container', '--format', '{{.Label "io.kubernetes.pod.name"}}');
    expect(labelled.split('\n').sort()).toEqual(pods.map((p) => p.metadata.name).sort());
  });

  it('removes a deleted pod\'s containers, and the ReplicaSet replaces it', async () => {
    const [victim] = await podsOf('app=web');
    await k().ok(['delete', 'pod', victim.metadata.name, '--timeout=60s'], { timeoutMs: 70_000 });
    const left = await docker('ps', '-a', '--filter', `label=io.kubernetes.pod.uid=${victim.metadata.uid}`, '--format', '{{.ID}}');
    expect(left).toBe('');
    await eventually(async () => {
      const list = await podsOf('app=web');
      expect(list.filter((p) => p.status.phase === 'Running')).toHaveLength(2);
    }, 60_000, 250);
    await k().ok(['delete', 'deployment', 'web']);
  });

  it('counts the restarts of a crashing container and backs off', async () => {
    await k().ok(['run', 'crash', `--image=${image}`, '--', 'sh', '-c', 'exit 2']);
    await eventually(async () => {
      const cells = row(await k().ok(['get', 'pod', 'crash']), 'crash');
      expect(cells[2]).toBe('CrashLoopBackOff');
      expect(Number.parseInt(cells[3]!, 10)).toBeGreaterThanOrEqual(1); // "2 (5s ago)"
    }, 40_000, 250).catch(async (err) => {
      throw new Error(`${err}\n${await k().ok(['get', 'pod', 'crash', '-o', 'yaml'])}\nagent:\n${agent?.output}`);
    });
    const pod = JSON.parse(await k().ok(['get', 'pod', 'crash', '-o', 'json']));
    expect(pod.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    await k().ok(['delete', 'pod', 'crash', '--timeout=60s'], { timeoutMs: 70_000 });
  });

  it('shows an image that is not on the node as ErrImagePull, then ImagePullBackOff', async () => {
    await k().ok(['run', 'ghost', '--image=example.invalid/ghost:1']);
    const seen = new Set<string>();
    await eventually(async () => {
      seen.add(row(await k().ok(['get', 'pod', 'ghost']), 'ghost')[2]!);
      expect(seen.has('ErrImagePull') && seen.has('ImagePullBackOff')).toBe(true);
    }, 30_000, 200);
    const described = await k().ok(['describe', 'pod', 'ghost']);
    expect(described).toMatch(/Failed to pull image "example.invalid\/ghost:1"/);
    await k().ok(['delete', 'pod', 'ghost', '--timeout=60s'], { timeoutMs: 70_000 });
  });
});
