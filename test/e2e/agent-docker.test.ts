// Real pods: `skiff agent --runtime docker` runs the pods the control plane binds to it as Docker
// containers on a profile network, driven with real kubectl 1.32: a Deployment serving HTTP from
// its pods' own addresses, a deleted pod's containers removed, a crash-looping container counted
// in RESTARTS, and an image that is not there shown as ErrImagePull, then ImagePullBackOff.
import { describe, expect, it } from 'vitest';
import { useDockerAgent } from '../helpers/dockeragent.js';
import { docker, fetchText } from '../helpers/docker.js';
import { eventually, row } from '../helpers/suite.js';

const d = useDockerAgent('ag');
const k = () => d.kubectl('1.32');

async function podsOf(selector: string): Promise<any[]> {
  return JSON.parse(await k().ok(['get', 'pods', '-l', selector, '-o', 'json'])).items.filter((p: any) => !p.metadata.deletionTimestamp);
}

describe('skiff agent --runtime docker', () => {
  it('runs a Deployment\'s pods as containers that serve from their own addresses', async () => {
    await k().ok(['create', 'deployment', 'web', `--image=${d.image}`, '--replicas=2', '--',
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
    const labelled = await docker('ps', '--filter', `label=skiff.dev/profile=${d.profile}`, '--filter', 'label=io.kubernetes.docker.type=container', '--format', '{{.Label "io.kubernetes.pod.name"}}');
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
    await k().ok(['run', 'crash', `--image=${d.image}`, '--', 'sh', '-c', 'exit 2']);
    await eventually(async () => {
      const cells = row(await k().ok(['get', 'pod', 'crash']), 'crash');
      expect(cells[2]).toBe('CrashLoopBackOff');
      expect(Number.parseInt(cells[3]!, 10)).toBeGreaterThanOrEqual(1); // "2 (5s ago)"
    }, 40_000, 250).catch(async (err) => {
      throw new Error(`${err}\n${await k().ok(['get', 'pod', 'crash', '-o', 'yaml'])}\nagent:\n${d.agentOutput()}`);
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
