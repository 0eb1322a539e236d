// The Deployment controller against a fake cluster. Most tests call reconcile() step by step and
// play the ReplicaSet controller's part by hand (setting ReplicaSet status), so each step of a
// rollout can be checked against upstream's arithmetic; the last runs the workers on events.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { Resources } from '../../client/resources.js';
import type { ResourceRef } from '../../client/types.js';
import { FakeClient } from '../namespace/fakeclient.js';
import { fakeContext, until, type RecordedEvent } from '../namespace/fakeinformers.js';
import { stableStringify } from '../podutil.js';
import type { Pod, ReplicaSet } from '../replicaset/types.js';
import { templateHash } from './hash.js';
import { DEPLOYMENT_CONTROLLER_NAME, DeploymentController, deploymentController } from './index.js';
import { byRevision, getCondition, type Deployment, type DeploymentSpec } from './util.js';

/** The fake client plus what the API server adds here: generation, creation time, status only via /status. */
class Cluster extends FakeClient {
  private created = Date.parse('2024-01-01T00:00:00Z');

  override async create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject): Promise<T> {
    const copy = structuredClone(obj);
    copy.metadata.generation ??= 1;
    copy.metadata.creationTimestamp ??= new Date((this.created += 1000)).toISOString();
    return super.create<T>(ref, namespace, copy);
  }

  override async update<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject, subresource?: string): Promise<T> {
    const cur = this.find(ref, namespace, obj.metadata.name!);
    if (!cur || subresource) return super.update<T>(ref, namespace, obj, subresource);
    const next = structuredClone(obj);
    next.status = structuredClone(cur.status);
    const specChanged = stableStringify(next.spec) !== stableStringify(cur.spec);
    next.metadata.generation = (cur.metadata.generation ?? 0) + (specChanged ? 1 : 0);
    return super.update<T>(ref, namespace, next);
  }
}

const T0 = Date.parse('2024-06-01T00:00:00Z');
const running: DeploymentController[] = [];
afterEach(() => {
  for (const c of running.splice(0)) c.stop();
});

function deployment(spec: Partial<DeploymentSpec> = {}, annotations?: Record<string, string>): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  };
}

async function setup(spec: Partial<DeploymentSpec> = {}, annotations?: Record<string, string>) {
  const client = new Cluster();
  const ctx = fakeContext(client);
  let now = T0;
  const c = new DeploymentController(ctx, { now: () => now, log: () => {} });
  running.push(c);
  await ctx.informers.start();
  await client.create(Resources.deployments, 'ns', deployment(spec, annotations));
  return {
    client,
    c,
    events: ctx.events,
    sync: () => c.reconcile('ns/web'),
    advance: (ms: number) => { now += ms; },
  };
}

const getDeployment = (client: FakeClient) => client.find(Resources.deployments, 'ns', 'web') as Deployment;
const replicaSets = (client: FakeClient) =>
  ([...client.objects.values()].filter((o) => o.kind === 'ReplicaSet') as ReplicaSet[]).sort(byRevision);
const rsByImage = (client: FakeClient, image: string) =>
  replicaSets(client).find((rs) => (rs.spec.template?.spec?.containers as { image: string }[] | undefined)?.[0]?.image === image)!;
const scalings = (events: RecordedEvent[]) => events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
const writes = (client: FakeClient) => client.calls.filter((c) => ['create', 'update', 'patch', 'delete'].includes(c.verb)).length;

/** The ReplicaSet controller's part: pods made for spec.replicas, `available` of them available. */
async function settle(client: FakeClient, name: string, available?: number): Promise<void> {
  const rs = client.find(Resources.replicasets, 'ns', name) as ReplicaSet;
  const replicas = rs.spec.replicas ?? 1;
  const avail = Math.min(available ?? replicas, replicas);
  const status = { replicas, readyReplicas: avail, availableReplicas: avail, observedGeneration: rs.metadata.generation };
  await client.update(Resources.replicasets, 'ns', { ...rs, status }, 'status');
}

async function settleAll(client: FakeClient): Promise<void> {
  for (const rs of replicaSets(client)) await settle(client, rs.metadata.name!);
}

async function edit(client: FakeClient, fn: (d: Deployment) => void): Promise<void> {
  const d = structuredClone(getDeployment(client));
  fn(d);
  await client.update(Resources.deployments, 'ns', d);
}

const setImage = (client: FakeClient, image: string) =>
  edit(client, (d) => { (d.spec.template!.spec!.containers as { image: string }[])[0]!.image = image; });

function rolledOut(client: FakeClient): boolean {
  const d = getDeployment(client);
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === d.spec.replicas &&
    s.replicas === d.spec.replicas && s.availableReplicas === d.spec.replicas;
}

/** Syncs, letting every pod become available after each step, until the rollout is complete. */
async function rollOut(client: FakeClient, sync: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await sync();
    if (rolledOut(client)) return;
    await settleAll(client);
  }
  throw new Error('rollout did not finish');
}

describe('deployment controller', () => {
  it('is the upstream component', () => {
    expect(DEPLOYMENT_CONTROLLER_NAME).toBe('deployment-controller');
    const ctx = fakeContext(new FakeClient());
    const c = deploymentController(ctx);
    c.stop();
    expect(c.name).toBe('deployment-controller');
  });

  it('creates the first ReplicaSet with the hash label, revision annotations and owner', async () => {
    const { client, sync, events } = await setup({}, { 'kubernetes.io/change-cause': 'kubectl create' });
    await sync();
    const d = getDeployment(client);
    const hash = templateHash(d.spec.template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    const sets = replicaSets(client);
    expect(sets).toHaveLength(1);
    const rs = sets[0]!;
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs.spec.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template?.spec).toEqual(d.spec.template?.spec);
    expect(rs.spec.replicas).toBe(4);
    expect(rs.metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
      'kubernetes.io/change-cause': 'kubectl create',
    });
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.metadata.generation).toBe(1);
    expect(events).toEqual([{ component: 'deployment-controller', object: 'ns/web', type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set web-${hash} from 0 to 4` }]);

    expect(d.status).toMatchObject({ observedGeneration: 1, unavailableReplicas: 4 });
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` });
    expect(getCondition(d.status, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    // Status goes through the status subresource.
    expect(client.verbs('update', 'deployments').filter((u) => u.subresource === 'status').length).toBeGreaterThan(0);
  });

  it('reports availability and completion, and writes nothing when nothing changed', async () => {
    const { client, sync } = await setup();
    await sync();
    await settle(client, replicaSets(client)[0]!.metadata.name!, 2);
    await sync();
    let d = getDeployment(client);
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 2 });
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(getCondition(d.status, 'Available')?.reason).toBe('MinimumReplicasUnavailable');

    await settleAll(client);
    await sync();
    d = getDeployment(client);
    const name = replicaSets(client)[0]!.metadata.name;
    expect(d.status).toEqual({
      observedGeneration: 1,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      conditions: [
        expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }),
        expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}" has successfully progressed.` }),
      ],
    });
    const before = writes(client);
    await sync();
    await sync();
    expect(writes(client)).toBe(before);
  });

  it('rolls out a new template within maxSurge and maxUnavailable', async () => {
    const { client, sync, events } = await setup({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } });
    await rollOut(client, sync);
    const v1 = replicaSets(client)[0]!.metadata.name!;
    events.length = 0;

    await setImage(client, 'nginx:2');
    await sync();
    const v2 = rsByImage(client, 'nginx:2').metadata.name!;
    expect(v2).not.toBe(v1);
    // The new set surges by one; with all old pods available, one old may go at once.
    expect(scalings(events)).toEqual([`Scaled up replica set ${v2} from 0 to 1`, `Scaled down replica set ${v1} from 4 to 3`]);
    expect(rsByImage(client, 'nginx:2').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(getDeployment(client).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(getDeployment(client).status?.observedGeneration).toBe(2);

    for (let i = 0; i < 20 && !rolledOut(client); i++) {
      await settleAll(client);
      await sync();
      const sets = replicaSets(client);
      const total = sets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      // What is still available once this step's scale-downs take effect.
      const available = sets.reduce((n, rs) => n + Math.min(rs.status?.availableReplicas ?? 0, rs.spec.replicas ?? 0), 0);
      expect(total).toBeLessThanOrEqual(5);
      expect(available).toBeGreaterThanOrEqual(3);
    }
    expect(scalings(events)).toEqual([
      `Scaled up replica set ${v2} from 0 to 1`,
      `Scaled down replica set ${v1} from 4 to 3`,
      `Scaled up replica set ${v2} from 1 to 2`,
      `Scaled down replica set ${v1} from 3 to 1`,
      `Scaled up replica set ${v2} from 2 to 4`,
      `Scaled down replica set ${v1} from 1 to 0`,
    ]);
    await settleAll(client);
    await sync();
    expect(rolledOut(client)).toBe(true);
    expect(replicaSets(client).map((rs) => [rs.metadata.name, rs.spec.replicas])).toEqual([[v1, 0], [v2, 4]]);
    expect(getCondition(getDeployment(client).status, 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${v2}" has successfully progressed.` });
  });

  it('does not drain old pods while the new ones are unavailable', async () => {
    const { client, sync } = await setup({ replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    await rollOut(client, sync);
    await setImage(client, 'nginx:broken');
    await sync();
    const old = rsByImage(client, 'nginx:1').metadata.name!;
    const broken = rsByImage(client, 'nginx:broken').metadata.name!;
    await settle(client, old);
    await settle(client, broken, 0);
    await sync();
    await settle(client, broken, 0);
    await sync();
    await sync();
    // 13 pods at most, 8 available at least: 8 old and 5 new that never become available.
    expect(rsByImage(client, 'nginx:1').spec.replicas).toBe(8);
    expect(rsByImage(client, 'nginx:broken').spec.replicas).toBe(5);
    expect(replicaSets(client).map((rs) => rs.metadata.name)).toEqual([old, broken]);
  });

  it('scales proportionally when spec.replicas changes mid-rollout', async () => {
    const { client, sync, events } = await setup({ replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    await rollOut(client, sync);
    await setImage(client, 'nginx:2');
    await sync();
    const v1 = rsByImage(client, 'nginx:1').metadata.name!;
    const v2 = rsByImage(client, 'nginx:2').metadata.name!;
    await settle(client, v1);
    await settle(client, v2, 0);
    await sync();
    await settle(client, v2, 0);
    expect([rsByImage(client, 'nginx:1').spec.replicas, rsByImage(client, 'nginx:2').spec.replicas]).toEqual([8, 5]);
    events.length = 0;

    // The documented example: 8 + 5 of 10 (+3 surge) become 11 + 7 of 15 (+3).
    await edit(client, (d) => { d.spec.replicas = 15; });
    await sync();
    expect(scalings(events)).toEqual([`Scaled up replica set ${v1} from 8 to 11`, `Scaled up replica set ${v2} from 5 to 7`]);
    for (const rs of replicaSets(client)) {
      expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '15', 'deployment.kubernetes.io/max-replicas': '18' });
    }
    // Each scale is one update of the ReplicaSet: replicas and annotations together.
    const rsUpdates = client.verbs('update', 'replicasets').filter((u) => !u.subresource).slice(-2);
    expect(rsUpdates.map((u) => [(u.body as ReplicaSet).spec.replicas, (u.body as ReplicaSet).metadata.annotations?.['deployment.kubernetes.io/desired-replicas']])).toEqual([[11, '15'], [7, '15']]);
  });

  it('Recreate scales old sets to zero and waits for their pods to be gone before the new one', async () => {
    const { client, c, sync, events } = await setup({ replicas: 3, strategy: { type: 'Recreate' } });
    await sync();
    const v1 = replicaSets(client)[0]!;
    expect(v1.spec.replicas).toBe(3);
    for (const name of ['a', 'b', 'c']) {
      const pod: Pod = {
        metadata: {
          name, namespace: 'ns', finalizers: ['test/hold'],
          labels: { ...v1.spec.template!.metadata!.labels },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: v1.metadata.name!, uid: v1.metadata.uid!, controller: true }],
        },
        spec: {},
        status: { phase: 'Running' },
      };
      client.seed(Resources.pods, pod);
    }
    await rollOut(client, sync);

    await setImage(client, 'nginx:2');
    await sync();
    expect(replicaSets(client)).toHaveLength(1);
    expect(replicaSets(client)[0]!.spec.replicas).toBe(0);
    await sync();
    expect(replicaSets(client)).toHaveLength(1);

    // The ReplicaSet reports no replicas, but its pods are still terminating.
    for (const name of ['a', 'b', 'c']) await client.delete(Resources.pods, 'ns', name);
    await settleAll(client);
    await sync();
    expect(replicaSets(client)).toHaveLength(1);

    const enqueue = vi.spyOn(c.queue, 'enqueue');
    for (const name of ['a', 'b', 'c']) {
      const pod = client.find(Resources.pods, 'ns', name)!;
      await client.update(Resources.pods, 'ns', { ...pod, metadata: { ...pod.metadata, finalizers: [] } });
      expect(enqueue).toHaveBeenCalledTimes(name === 'c' ? 1 : 0);
    }
    expect(enqueue.mock.calls[0]![0].metadata.name).toBe('web');
    await sync();
    const v2 = rsByImage(client, 'nginx:2');
    expect(v2.spec.replicas).toBe(3);
    expect(scalings(events)).toEqual([
      `Scaled up replica set ${v1.metadata.name} from 0 to 3`,
      `Scaled down replica set ${v1.metadata.name} from 3 to 0`,
      `Scaled up replica set ${v2.metadata.name} from 0 to 3`,
    ]);
  });

  it('going back to an old template (kubectl rollout undo) reuses its ReplicaSet with the next revision', async () => {
    const { client, sync, events } = await setup({ replicas: 2 }, { 'kubernetes.io/change-cause': 'v1' });
    await rollOut(client, sync);
    await edit(client, (d) => {
      (d.spec.template!.spec!.containers as { image: string }[])[0]!.image = 'nginx:2';
      d.metadata.annotations!['kubernetes.io/change-cause'] = 'v2';
    });
    await rollOut(client, sync);
    const v1 = rsByImage(client, 'nginx:1');
    const v2 = rsByImage(client, 'nginx:2');
    expect(v2.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'v2' });
    events.length = 0;

    // What kubectl rollout undo patches: the old set's template without its hash, and its annotations.
    await edit(client, (d) => {
      const template = structuredClone(v1.spec.template!);
      delete template.metadata!.labels!['pod-template-hash'];
      d.spec.template = template;
      d.metadata.annotations!['kubernetes.io/change-cause'] = v1.metadata.annotations!['kubernetes.io/change-cause']!;
    });
    await sync();
    expect(replicaSets(client)).toHaveLength(2);
    const back = client.find(Resources.replicasets, 'ns', v1.metadata.name!) as ReplicaSet;
    expect(back.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
      'kubernetes.io/change-cause': 'v1',
    });
    expect(getDeployment(client).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(scalings(events)[0]).toBe(`Scaled up replica set ${v1.metadata.name} from 0 to 1`);
    await rollOut(client, sync);
    expect(replicaSets(client).map((rs) => [rs.metadata.name, rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas]))
      .toEqual([[v2.metadata.name, '2', 0], [v1.metadata.name, '3', 2]]);
  });

  it('honours the deprecated rollback annotation', async () => {
    const { client, sync, events } = await setup({ replicas: 1 });
    await rollOut(client, sync);
    await setImage(client, 'nginx:2');
    await rollOut(client, sync);
    await edit(client, (d) => { d.metadata.annotations!['deprecated.deployment.rollback.to'] = '0'; });
    await sync();
    const d = getDeployment(client);
    expect(d.metadata.annotations?.['deprecated.deployment.rollback.to']).toBeUndefined();
    expect((d.spec.template!.spec!.containers as { image: string }[])[0]!.image).toBe('nginx:1');
    expect(d.spec.template!.metadata!.labels).toEqual({ app: 'web' });
    expect(events.at(-1)).toMatchObject({ type: 'Normal', reason: 'DeploymentRollback', message: 'Rolled back deployment "web" to revision 1' });
    await rollOut(client, sync);
    expect(rsByImage(client, 'nginx:1').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('while paused only scales and reports; resuming starts the rollout', async () => {
    const { client, sync, events } = await setup();
    await rollOut(client, sync);
    const v1 = replicaSets(client)[0]!.metadata.name!;
    await edit(client, (d) => {
      d.spec.paused = true;
      (d.spec.template!.spec!.containers as { image: string }[])[0]!.image = 'nginx:2';
    });
    await sync();
    expect(replicaSets(client)).toHaveLength(1);
    expect(getCondition(getDeployment(client).status, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    expect(getDeployment(client).status?.observedGeneration).toBe(2);

    events.length = 0;
    await edit(client, (d) => { d.spec.replicas = 6; });
    await sync();
    expect(scalings(events)).toEqual([`Scaled up replica set ${v1} from 4 to 6`]);
    expect(replicaSets(client)[0]!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '6', 'deployment.kubernetes.io/max-replicas': '8' });
    expect(replicaSets(client)).toHaveLength(1);

    await edit(client, (d) => { d.spec.paused = false; });
    await sync();
    const statusWrites = client.verbs('update', 'deployments').filter((u) => u.subresource === 'status').map((u) => getCondition((u.body as Deployment).status, 'Progressing')?.reason);
    expect(statusWrites).toContain('DeploymentResumed');
    expect(replicaSets(client)).toHaveLength(2);
    expect(getCondition(getDeployment(client).status, 'Progressing')?.reason).toBe('NewReplicaSetCreated');
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    const { client, sync } = await setup({ replicas: 1, revisionHistoryLimit: 1 });
    await rollOut(client, sync);
    for (const image of ['nginx:2', 'nginx:3']) {
      await setImage(client, image);
      await rollOut(client, sync);
      await sync();
    }
    const v1 = `web-${templateHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } })}`;
    expect(client.verbs('delete', 'replicasets').map((c) => c.name)).toEqual([v1]);
    expect(replicaSets(client).map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas])).toEqual([['2', 0], ['3', 1]]);
  });

  it('times out a rollout that makes no progress, and looks again at its deadline', async () => {
    const { client, c, sync, advance } = await setup({ progressDeadlineSeconds: 60 });
    await sync();
    const name = replicaSets(client)[0]!.metadata.name!;
    await settle(client, name, 0);
    await sync();
    expect(getCondition(getDeployment(client).status, 'Progressing')?.reason).toBe('ReplicaSetUpdated');

    const later = vi.spyOn(c.queue, 'enqueueAfter');
    advance(20_000);
    await sync();
    // 60 s from the last progress, 20 s of which passed, plus upstream's extra second.
    expect(later).toHaveBeenCalledWith('ns/web', 41_000);

    advance(41_000);
    await sync();
    expect(getCondition(getDeployment(client).status, 'Progressing')).toMatchObject({
      status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}" has timed out progressing.`,
    });
    later.mockClear();
    await sync();
    expect(later).not.toHaveBeenCalled();
  });

  it('passes minReadySeconds to the ReplicaSet and looks again when ready pods are not yet available', async () => {
    const { client, c, sync } = await setup({ minReadySeconds: 10 });
    await sync();
    const rs = replicaSets(client)[0]!;
    expect(rs.spec.minReadySeconds).toBe(10);
    await client.update(Resources.replicasets, 'ns', { ...rs, status: { replicas: 4, readyReplicas: 4, availableReplicas: 0, observedGeneration: 1 } }, 'status');
    const later = vi.spyOn(c.queue, 'enqueueAfter');
    await sync();
    expect(later).toHaveBeenCalledWith('ns/web', 10_000);

    // A later change of minReadySeconds reaches the existing ReplicaSet.
    await edit(client, (d) => { d.spec.minReadySeconds = 0; });
    await sync();
    expect(replicaSets(client)[0]!.spec.minReadySeconds).toBe(0);
  });

  it('adopts matching orphans and releases sets that stopped matching', async () => {
    const { client, sync } = await setup();
    const d = getDeployment(client);
    client.seed(Resources.replicasets, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'orphan', namespace: 'ns', labels: { app: 'web' }, creationTimestamp: '2023-01-01T00:00:00Z', annotations: { 'deployment.kubernetes.io/revision': '4' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web', v: 'old' } }, template: { metadata: { labels: { app: 'web', v: 'old' } }, spec: { containers: [{ name: 'c', image: 'nginx:0' }] } } },
    });
    client.seed(Resources.replicasets, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: 'stray', namespace: 'ns', labels: { app: 'other' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true }],
      },
      spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } },
    });
    await sync();
    const orphan = client.find(Resources.replicasets, 'ns', 'orphan')!;
    expect(orphan.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', uid: d.metadata.uid, controller: true })]);
    expect(client.find(Resources.replicasets, 'ns', 'stray')!.metadata.ownerReferences).toBeUndefined();
    // The adopted set is an old revision: the new one comes after it.
    expect(rsByImage(client, 'nginx:1').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('5');
  });

  it('resolves a hash collision by bumping collisionCount', async () => {
    const { client, sync } = await setup();
    const d = getDeployment(client);
    const taken = `web-${templateHash(d.spec.template)}`;
    client.seed(Resources.replicasets, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: taken, namespace: 'ns', labels: { app: 'unrelated' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'unrelated' } }, template: { metadata: { labels: { app: 'unrelated' } } } },
    });
    await expect(sync()).rejects.toMatchObject({ reason: 'AlreadyExists' });
    expect(getDeployment(client).status?.collisionCount).toBe(1);
    await sync();
    const created = replicaSets(client).filter((rs) => rs.metadata.name !== taken);
    expect(created.map((rs) => rs.metadata.name)).toEqual([`web-${templateHash(d.spec.template, 1)}`]);
    expect(templateHash(d.spec.template, 1)).not.toBe(templateHash(d.spec.template));
  });

  it('only reports status for a Deployment being deleted', async () => {
    const { client, sync } = await setup();
    await rollOut(client, sync);
    await edit(client, (d) => { d.metadata.finalizers = ['foregroundDeletion']; });
    await client.delete(Resources.deployments, 'ns', 'web');
    await setImage(client, 'nginx:2');
    await sync();
    expect(replicaSets(client)).toHaveLength(1);
  });

  it('warns about an empty selector and does nothing else', async () => {
    const { client, sync, events } = await setup({ selector: {} });
    await sync();
    expect(replicaSets(client)).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'SelectingAll' })]);
    expect(getDeployment(client).status?.observedGeneration).toBe(1);
  });

  it('runs a rollout to the end on informer events', async () => {
    const client = new Cluster();
    const ctx = fakeContext(client);
    // The ReplicaSet controller, reduced to reporting every wanted pod available.
    client.listeners.push((type, ref, obj) => {
      const rs = obj as ReplicaSet;
      if (type === 'DELETED' || ref.resource !== 'replicasets') return;
      if (rs.status?.replicas === rs.spec.replicas && rs.status?.observedGeneration === rs.metadata.generation) return;
      setTimeout(() => { settle(client, rs.metadata.name!).catch(() => undefined); }, 1);
    });
    const c = new DeploymentController(ctx, { log: () => {} });
    running.push(c);
    await ctx.informers.start();
    c.run(2);
    await client.create(Resources.deployments, 'ns', deployment());
    await until(() => expect(rolledOut(client)).toBe(true));
    await setImage(client, 'nginx:2');
    await until(() => {
      expect(rolledOut(client)).toBe(true);
      expect(replicaSets(client).map((rs) => rs.spec.replicas)).toEqual([0, 4]);
      expect(getCondition(getDeployment(client).status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    });
    expect(rsByImage(client, 'nginx:2').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });
});
