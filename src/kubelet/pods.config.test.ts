// The pod sync's use of probes (a failed liveness probe kills and restarts), of the API objects
// (env, CreateContainerConfigError) and of volumes (files written before containers start).
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import type { EventRecorder } from '../client/types.js';
import { Backoff } from './backoff.js';
import { FakeRuntime, type FakeClock } from './fake/runtime.js';
import { IpAllocator } from './ipam.js';
import { KeyedRunner } from './keyed.js';
import { MemoryClient } from './memclient.js';
import { MemoryObjects } from './memobjects.js';
import { PodSyncer } from './pods.js';
import type { Json } from './podstatus.js';
import type { Prober, ProbeResult } from './prober.js';
import type { ContainerConfig, PodVolume, RuntimeContainer, SandboxConfig, VolumeFile } from './runtime.js';

class ManualClock implements FakeClock {
  t = Date.parse('2025-01-01T00:00:00Z');
  now(): number {
    return this.t;
  }
  setTimeout(): unknown {
    return 0;
  }
  clearTimeout(): void {}
}

/** Records what the agent asked for: container configs, sandbox volumes and volume files. */
class RecordingRuntime extends FakeRuntime {
  readonly configs: ContainerConfig[] = [];
  readonly sandboxVolumes: PodVolume[][] = [];
  readonly writes: { volume: string; files: VolumeFile[] }[] = [];
  readonly order: string[] = [];
  override async runPodSandbox(config: SandboxConfig) {
    this.sandboxVolumes.push(config.volumes ?? []);
    return super.runPodSandbox(config);
  }
  override async startContainer(sandboxId: string, config: ContainerConfig, imageRef: string): Promise<RuntimeContainer> {
    this.configs.push(config);
    this.order.push(`start ${config.name}`);
    return super.startContainer(sandboxId, config, imageRef);
  }
  async writeVolumeFiles(_sandboxId: string, volume: PodVolume, files: VolumeFile[]): Promise<void> {
    this.writes.push({ volume: volume.name, files });
    this.order.push(`write ${volume.name}`);
  }
}

/** Answers what the test says, per container instance (as the real prober starts over for a new one). */
class ScriptedProber implements Prober {
  readonly answers = new Map<string, ProbeResult>();
  readonly stoppedNames: string[] = [];
  check(_pod: KubeObject, _spec: Json, container: RuntimeContainer): ProbeResult {
    return this.answers.get(container.id) ?? { ready: true, started: true };
  }
  stopped(_uid: string, name: string): void {
    this.stoppedNames.push(name);
  }
}

interface Harness {
  client: MemoryClient;
  runtime: RecordingRuntime;
  prober: ScriptedProber;
  objects: MemoryObjects;
  events: string[];
  runner: KeyedRunner;
  create(name: string, spec: Json): Promise<KubeObject>;
  sync(name: string): Promise<void>;
  pod(name: string): KubeObject | undefined;
}

let current: Harness | undefined;
afterEach(async () => {
  await current?.runner.stop();
  current = undefined;
});

function harness(): Harness {
  const client = new MemoryClient();
  const clock = new ManualClock();
  const runtime = new RecordingRuntime(clock);
  const prober = new ScriptedProber();
  const objects = new MemoryObjects();
  const events: string[] = [];
  const recorder: EventRecorder = { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) };
  let syncer!: PodSyncer;
  const runner = new KeyedRunner((uid) => syncer.sync(uid), 4, (_k, err) => { throw err; });
  syncer = new PodSyncer({
    nodeName: 'n1', hostIP: '192.168.1.10', client, runtime, prober, ips: new IpAllocator('10.244.0.0/24'),
    scheduler: runner, recorder, objects, allocatable: { cpu: '4', memory: '8Gi' },
    backoff: new Backoff(() => clock.now()), now: () => clock.now(),
  });
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      await runner.idle();
      await new Promise((r) => setImmediate(r));
    }
  };
  client.onChange = (ref, obj, deleted) => {
    if (ref.resource !== 'pods') return;
    if (deleted) syncer.remove(obj);
    else syncer.upsert(obj);
  };
  const h: Harness = {
    client, runtime, prober, objects, events, runner,
    async create(name, spec) {
      const pod = await client.create(Resources.pods, 'default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
        spec: { nodeName: 'n1', restartPolicy: 'Always', terminationGracePeriodSeconds: 30, ...spec },
        status: { phase: 'Pending' },
      });
      await settle();
      return pod;
    },
    async sync(name) {
      runner.enqueue(h.pod(name)!.metadata.uid!);
      await settle();
    },
    pod: (name) => client.peek(Resources.pods, 'default', name),
  };
  current = h;
  return h;
}

const cs = (p: KubeObject | undefined): Json => ((p?.status as Json).containerStatuses as Json[])[0]!;

describe('PodSyncer with real probes', () => {
  it('kills a container that failed its liveness probe and restarts it (restartCount, lastState)', async () => {
    const h = harness();
    await h.create('live', { containers: [{ name: 'app', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } }] });
    expect(cs(h.pod('live'))).toMatchObject({ restartCount: 0, ready: true });
    h.prober.answers.set(cs(h.pod('live')).containerID, { ready: true, started: true, unhealthy: 'liveness' });
    await h.sync('live');
    expect(h.events).toContain('Normal Killing Container app failed liveness probe, will be restarted');
    expect(cs(h.pod('live'))).toMatchObject({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137 } } });
    expect(h.prober.stoppedNames).toContain('app');
  });

  it('does not promise a restart under restartPolicy Never', async () => {
    const h = harness();
    await h.create('once', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', startupProbe: { exec: { command: ['true'] } } }] });
    h.prober.answers.set(cs(h.pod('once')).containerID, { ready: false, started: false, unhealthy: 'startup' });
    await h.sync('once');
    expect(h.events).toContain('Normal Killing Container app failed startup probe');
    expect(cs(h.pod('once'))).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 137 } } });
    expect((h.pod('once')!.status as Json).phase).toBe('Failed');
  });
});

describe('PodSyncer with API objects', () => {
  it('resolves env, expands command and args, and passes mounts and limits to the runtime', async () => {
    const h = harness();
    h.objects.addConfigMap('default', 'cfg', { greeting: 'hello' });
    await h.create('env', {
      containers: [{
        name: 'app', image: 'busybox',
        command: ['echo', '$(GREETING)'], args: ['$(POD)', '$$(POD)'],
        env: [
          { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        ],
        resources: { limits: { memory: '64Mi', cpu: '250m' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg' }],
      }],
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
    });
    const config = h.runtime.configs[0]!;
    expect(config.command).toEqual(['echo', 'hello']);
    expect(config.args).toEqual(['env', '$(POD)']);
    expect(config.env.slice(0, 3)).toEqual([{ name: 'GREETING', value: 'hello' }, { name: 'POD', value: 'env' }, { name: 'IP', value: '10.244.0.2' }]);
    expect(config.memoryBytes).toBe(64 * 1024 * 1024);
    expect(config.nanoCpus).toBe(250_000_000);
    expect(config.mounts).toEqual([
      { volume: { name: 'data', scope: 'pod' }, containerPath: '/data', readOnly: false },
      { volume: { name: 'cfg', scope: 'pod' }, containerPath: '/etc/cfg', readOnly: true },
    ]);
    expect(h.runtime.sandboxVolumes[0]).toEqual([{ name: 'data', scope: 'pod' }, { name: 'cfg', scope: 'pod' }]);
    expect(h.runtime.order).toEqual(['write cfg', 'start app']);
    expect(h.runtime.writes[0]!.files.map((f) => [f.path, f.content.toString()])).toEqual([['greeting', 'hello']]);
  });

  it('waits in CreateContainerConfigError while a key is missing, then starts the container', async () => {
    const h = harness();
    h.objects.addConfigMap('default', 'cfg', {});
    await h.create('bad', { containers: [{ name: 'app', image: 'busybox', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }] }] });
    expect(cs(h.pod('bad')).state).toEqual({ waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key x in ConfigMap default/cfg" } });
    expect((h.pod('bad')!.status as Json).phase).toBe('Pending');
    expect(h.events).toContain("Warning Failed Error: couldn't find key x in ConfigMap default/cfg");
    h.objects.addConfigMap('default', 'cfg', { x: '1' });
    await h.sync('bad');
    expect(cs(h.pod('bad')).state).toHaveProperty('running');
    expect(h.runtime.configs.at(-1)!.env[0]).toEqual({ name: 'X', value: '1' });
  });

  it('keeps the pod ContainerCreating with a FailedMount event while a volume\'s ConfigMap is missing', async () => {
    const h = harness();
    await h.create('nomount', { containers: [{ name: 'app', image: 'busybox' }], volumes: [{ name: 'cfg', configMap: { name: 'gone' } }] });
    expect(cs(h.pod('nomount')).state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(h.runtime.configs).toHaveLength(0);
    expect(h.events).toContain('Warning FailedMount MountVolume.SetUp failed for volume "cfg" : configmap "gone" not found');
    h.objects.addConfigMap('default', 'gone', { a: 'b' });
    await h.sync('nomount');
    expect(cs(h.pod('nomount')).state).toHaveProperty('running');
  });
});
