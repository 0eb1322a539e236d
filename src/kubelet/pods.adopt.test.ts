// A restarted agent adopts what the runtime still runs of its pods (the kubelet's relist): the
// runtime and the API outlive the PodSyncer, as Docker and the API server outlive the agent.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import { FakeRuntime } from './fake/runtime.js';
import { IpAllocator } from './ipam.js';
import { KeyedRunner } from './keyed.js';
import { MemoryClient } from './memclient.js';
import { PodSyncer } from './pods.js';
import type { Json } from './podstatus.js';
import { FakeProber } from './prober.js';

interface Agent {
  syncer: PodSyncer;
  runner: KeyedRunner;
  ips: IpAllocator;
}

let client = new MemoryClient();
let runtime = new FakeRuntime();
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.runner.stop();
  agent?.syncer.close();
  agent = undefined;
  runtime = new FakeRuntime();
  client = new MemoryClient();
});

/**
 * Starts an agent as agent.ts does: addresses claimed, then the node's pods, then orphans removed
 * (unless `orphans` is false: a test of what the pod's own sync does).
 */
async function startAgent(orphans = true): Promise<Agent> {
  const ips = new IpAllocator('10.244.0.0/24');
  let syncer!: PodSyncer;
  const runner = new KeyedRunner((uid) => syncer.sync(uid), 8, (_k, err) => { throw err; });
  syncer = new PodSyncer({ nodeName: 'n1', hostIP: '192.168.1.10', client, runtime, prober: new FakeProber(), ips, scheduler: runner });
  client.onChange = (ref, obj, deleted) => {
    if (ref.resource !== 'pods' || (obj.spec as Json).nodeName !== 'n1') return;
    if (deleted) syncer.remove(obj);
    else syncer.upsert(obj);
  };
  await syncer.reserveRunningSandboxes();
  for (const pod of (await client.list(Resources.pods, 'default')).items) syncer.upsert(pod);
  if (orphans) await syncer.removeOrphans();
  agent = { syncer, runner, ips };
  await settle();
  return agent;
}

/** The agent process dies: its syncer is gone, the runtime's containers run on. */
async function killAgent(): Promise<void> {
  client.onChange = () => {};
  await agent?.runner.stop();
  agent?.syncer.close();
  agent = undefined;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await agent?.runner.idle();
    await new Promise((r) => setImmediate(r));
  }
}

async function createPod(name: string): Promise<KubeObject> {
  const pod = await client.create(Resources.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] },
    status: { phase: 'Pending' },
  });
  await settle();
  return pod;
}

const statusOf = (name: string): Json => (client.peek(Resources.pods, 'default', name)?.status ?? {}) as Json;
const appStatus = (name: string): Json => (statusOf(name).containerStatuses as Json[])[0]!;

describe('PodSyncer after an agent restart', () => {
  it('keeps a running pod: same sandbox, container, IP and restart count; a later exit counts on', async () => {
    await startAgent();
    const pod = await createPod('web');
    const before = appStatus('web');
    const ip = statusOf('web').podIP;
    const [sandbox] = await runtime.listPodSandboxes();

    await killAgent();
    const next = await startAgent();
    expect(await runtime.listPodSandboxes()).toEqual([sandbox]);
    expect(appStatus('web')).toMatchObject({ containerID: before.containerID, restartCount: 0, ready: true, state: { running: {} } });
    expect(statusOf('web').podIP).toBe(ip);
    // The address is the adopted pod's: a new pod gets another one.
    expect(next.ips.ipOf(pod.metadata.uid!)).toBe(ip);
    await createPod('other');
    expect(statusOf('other').podIP).not.toBe(ip);

    // The new agent sees the adopted container die and restarts it, counted.
    await runtime.stopContainer(String(before.containerID));
    next.runner.enqueue(pod.metadata.uid!);
    await settle();
    const after = appStatus('web');
    expect(after.restartCount).toBe(1);
    expect(after.containerID).not.toBe(before.containerID);
    expect((after.lastState as Json).terminated).toMatchObject({ exitCode: 137, containerID: before.containerID });
    const restarted = (await runtime.listContainers(sandbox!.id)).find((c) => c.id === after.containerID);
    expect(restarted?.attempt).toBe(1);
  });

  it('restarts an adopted container whose spec changed while no agent ran (the hash on the container)', async () => {
    await startAgent();
    const pod = await createPod('web');
    const before = appStatus('web');
    await killAgent();
    // The API server changed the image meanwhile (a pod's image is mutable).
    await client.update(Resources.pods, 'default', { ...pod, ...client.peek(Resources.pods, 'default', 'web')!, spec: { ...(pod.spec as Json), containers: [{ name: 'app', image: 'busybox:2', command: ['sleep', '3600'] }] } });
    await startAgent();
    const after = appStatus('web');
    expect(after.containerID).not.toBe(before.containerID);
    expect(after.image).toBe('busybox:2');
    expect(after.restartCount).toBe(1);
  });

  it('continues the restart count from the running instance\'s attempt', async () => {
    await startAgent();
    const pod = await createPod('flaky');
    await runtime.stopContainer(String(appStatus('flaky').containerID));
    agent!.runner.enqueue(pod.metadata.uid!);
    await settle();
    const running = appStatus('flaky');
    expect(running.restartCount).toBe(1);

    await killAgent();
    await startAgent();
    expect(appStatus('flaky')).toMatchObject({ containerID: running.containerID, restartCount: 1, state: { running: {} } });
    expect((appStatus('flaky').lastState as Json).terminated).toMatchObject({ exitCode: 137 });
  });

  it('a sandbox that died meanwhile: a new one (attempt + 1), same IP, the container restarted (restartCount + 1)', async () => {
    await startAgent();
    await createPod('dead');
    const before = appStatus('dead');
    const ip = statusOf('dead').podIP;
    const [old] = await runtime.listPodSandboxes();

    await killAgent();
    await runtime.stopPodSandbox(old!.id);
    await startAgent();
    const sandboxes = await runtime.listPodSandboxes();
    const fresh = sandboxes.find((s) => s.id !== old!.id && s.state === 'ready');
    expect(fresh?.attempt).toBe(1);
    expect(statusOf('dead').podIP).toBe(ip);
    expect(appStatus('dead')).toMatchObject({ restartCount: 1, state: { running: {} } });
    expect(appStatus('dead').containerID).not.toBe(before.containerID);
    expect((await runtime.listContainers(fresh!.id)).map((c) => c.attempt)).toEqual([1]);
  });

  it('removes the sandboxes of pods deleted while no agent ran', async () => {
    await startAgent();
    const kept = await createPod('kept');
    const gone = await createPod('gone');
    await killAgent();
    // A force delete: gone from the API at once, nobody told the node.
    await client.delete(Resources.pods, 'default', 'gone');
    const next = await startAgent();
    expect((await runtime.listPodSandboxes()).map((s) => s.podUid)).toEqual([kept.metadata.uid]);
    expect(next.ips.ipOf(gone.metadata.uid!)).toBeUndefined();
    expect(next.ips.used).toBe(1);
  });

  it('a pod whose graceful delete began while no agent ran: its sandbox is stopped and removed, then the DELETE', async () => {
    await startAgent();
    const pod = await createPod('bye');
    await killAgent();
    await client.patch(Resources.pods, 'default', 'bye', 'merge', { metadata: { deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } });
    const next = await startAgent(false);
    expect(client.peek(Resources.pods, 'default', 'bye')).toBeUndefined();
    expect(client.calls.filter((c) => c.verb === 'delete').at(-1)?.options).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    expect(await runtime.listPodSandboxes()).toEqual([]);
    expect(await runtime.listContainers()).toEqual([]);
    expect(next.ips.used).toBe(0);
  });
});
