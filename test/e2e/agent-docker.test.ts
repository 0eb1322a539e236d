// Real pods: `skiff agent --runtime docker` runs the pods the control plane binds to it as Docker
// containers on a profile network, driven with real kubectl 1.32: a Deployment serving HTTP from
// its pods' own addresses, a deleted pod's containers removed, a crash-looping container counted
// in RESTARTS, an image that is not there shown as ErrImagePull, then ImagePullBackOff, and a
// restarted agent that adopts the running pods (same containers, IP and restart count) and removes
// what runs of a pod deleted while it was down.
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

  it('adopts the running pods after an agent restart: same containers, IP and restarts, still counted', async () => {
    await k().ok(['create', 'deployment', 'keep', `--image=${d.image}`, '--',
      'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
    await k().ok(['run', 'gone', `--image=${d.image}`, '--', 'sleep', '3600']);
    const [pod] = await eventually(async () => {
      const list = await podsOf('app=keep');
      expect(list.map((p) => p.status.phase)).toEqual(['Running']);
      expect(row(await k().ok(['get', 'pod', 'gone']), 'gone')[2]).toBe('Running');
      return list;
    }, 60_000, 250);
    const name = pod.metadata.name;
    const uid = pod.metadata.uid;
    const app = pod.spec.containers[0].name; // kubectl names it after the image
    const gone = JSON.parse(await k().ok(['get', 'pod', 'gone', '-o', 'json']));
    const containersOf = (podUid: string, all = false) =>
      docker('ps', ...(all ? ['-a'] : []), '--no-trunc', '--filter', `label=io.kubernetes.pod.uid=${podUid}`,
        '--format', '{{.ID}} {{.Label "io.kubernetes.container.name"}} {{.Label "io.kubernetes.container.restartCount"}}');
    const before = (await containersOf(uid)).split('\n').sort();
    expect(before.map((l) => l.split(' ').slice(1).join(' ')).sort()).toEqual(['POD 0', `${app} 0`].sort());
    const appId = before.find((l) => l.split(' ')[1] === app)!.split(' ')[0]!;
    expect(pod.status.containerStatuses[0].containerID).toBe(`docker://${appId}`);

    // A crash: the pods run on. While no agent runs, `gone` is deleted from the API for good.
    await d.killAgent();
    await k().ok(['delete', 'pod', 'gone', '--grace-period=0', '--force']);
    await d.startAgent();

    // The new agent removed what ran of `gone` once it knew its pods; a few seconds more and it
    // would have replaced the Deployment pod's containers, had it not adopted them.
    await eventually(async () => {
      expect(await containersOf(gone.metadata.uid, true)).toBe('');
    }, 30_000, 250).catch((err) => { throw new Error(`${err}\nagent:\n${d.agentOutput()}`); });
    await new Promise((r) => setTimeout(r, 3000));
    expect((await containersOf(uid)).split('\n').sort()).toEqual(before);
    const adopted = JSON.parse(await k().ok(['get', 'pod', name, '-o', 'json']));
    expect(adopted.status.podIP).toBe(pod.status.podIP);
    expect(adopted.status.containerStatuses[0]).toMatchObject({ containerID: `docker://${appId}`, restartCount: 0, ready: true });
    expect(row(await k().ok(['get', 'pod', name]), name).slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect((await fetchText(pod.status.podIP, 8080)).trim()).toBe(name);

    // The new agent watches the adopted container: a kill is a restart, counted from its label.
    await docker('kill', appId);
    await eventually(async () => {
      const cells = row(await k().ok(['get', 'pod', name]), name);
      expect(cells.slice(1, 3)).toEqual(['1/1', 'Running']);
      expect(cells[3]).toMatch(/^1\b/); // "1 (3s ago)"
    }, 30_000, 250).catch(async (err) => {
      throw new Error(`${err}\n${await k().ok(['get', 'pod', name, '-o', 'yaml'])}\nagent:\n${d.agentOutput()}`);
    });
    const after = (await containersOf(uid)).split('\n').sort();
    expect(after.map((l) => l.split(' ').slice(1).join(' ')).sort()).toEqual(['POD 0', `${app} 1`].sort());
    expect(after).toContain(before.find((l) => l.split(' ')[1] === 'POD'));
    const restarted = JSON.parse(await k().ok(['get', 'pod', name, '-o', 'json']));
    expect(restarted.status.podIP).toBe(pod.status.podIP);
    expect(restarted.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 137, containerID: `docker://${appId}` });
    expect((await eventually(() => fetchText(pod.status.podIP, 8080), 10_000, 200)).trim()).toBe(name);
    await k().ok(['delete', 'deployment', 'keep']);
  });
});
