// One node's pod sync (the kubelet's SyncPod / SyncTerminatingPod, trimmed): runs each pod bound
// to the node through the runtime — sandbox with a pod IP, init containers in order, containers
// restarted per restartPolicy with crash-loop back-off — and writes pods/status when it changed.
// Deleted pods are stopped, then removed from the API with gracePeriodSeconds=0 and a uid
// precondition, as the kubelet's status manager does.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import type { Client, EventRecorder } from '../client/types.js';
import { Backoff, formatBackoff } from './backoff.js';
import { apiCode, errorText } from './errors.js';
import { cidrContains, type IpAllocator } from './ipam.js';
import { rfc3339 } from './node.js';
import {
  canonical,
  generatePodStatus,
  jsonEqual,
  isRestartableInit,
  mergeOwnedStatus,
  terminatedState,
  type ContainerRecord,
  type Json,
} from './podstatus.js';
import { ContainerConfigError, expandCommand, makeEnvironment, type PodObjects } from './env.js';
import { parseQuantity } from '../api/validation/quantity.js';
import type { Prober } from './prober.js';
import type { ContainerConfig, PodVolume, PulledImage, Runtime, RuntimeContainer, RuntimeSandbox } from './runtime.js';
import { containerMounts, fileVolumes, podVolumes, unsupportedVolumes, volumeFiles, VolumeSetupError } from './volumes.js';

/** How long a failed pull shows as ErrImagePull before the back-off shows (ImagePullBackOff). */
const PULL_ERROR_SHOWN_MS = 1000;
/** How soon a container that could not be configured, or a volume that could not be set up, is tried again. */
const CONFIG_RETRY_MS = 5000;
/** How often API-backed volume files are refreshed (ConfigMap edits, service-account token rotation). */
const VOLUME_REFRESH_MS = 60_000;
/** A projected token is replaced once this share of its lifetime has passed (the kubelet's 80 %). */
const TOKEN_REFRESH_FRACTION = 0.8;

/** Plans syncs: the shared per-key runner of the agent. */
export interface SyncScheduler {
  enqueue(uid: string): void;
  enqueueAfter(uid: string, delayMs: number): void;
  cancel(uid: string): void;
}

export interface PodSyncDeps {
  nodeName: string;
  hostIP: string;
  client: Client;
  runtime: Runtime;
  prober: Prober;
  ips: IpAllocator;
  scheduler: SyncScheduler;
  recorder?: EventRecorder;
  /**
   * Where ConfigMaps, Secrets, Services and service-account tokens come from. Without it (hollow
   * nodes) containers get their literal env only and volumes are not set up.
   */
  objects?: PodObjects;
  /** The node's allocatable cpu/memory/ephemeral-storage (resourceFieldRef of unlimited containers). */
  allocatable?: Record<string, string>;
  backoff?: Backoff;
  now?: () => number;
  log?: (message: string) => void;
}

interface PodState {
  uid: string;
  namespace: string;
  name: string;
  startTime: string;
  sandbox?: RuntimeSandbox;
  ip?: string;
  records: Map<string, ContainerRecord & { specHash?: string }>;
  /** Terminal: the sandbox is gone and nothing runs again. */
  finished: boolean;
  /** Being deleted: the phase is computed as for a pod that will never run again. */
  terminal: boolean;
  /** Deletion handled: containers stopped and the final DELETE sent. */
  deleted: boolean;
  lastWritten?: { status: Json; rv: number };
  /** The pod's volumes as the runtime made them with the sandbox. */
  volumes: PodVolume[];
  /** When the API-backed volume files were last written, and a hash of them per volume. */
  volumesWrittenAt?: number;
  volumeHashes: Map<string, string>;
  /** When a projected token must be replaced. */
  tokenRefreshAt?: number;
}

function rvNumber(obj: KubeObject | undefined): number {
  const n = Number(obj?.metadata.resourceVersion ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function specOf(pod: KubeObject): Json {
  return (pod.spec ?? {}) as Json;
}

function containersOf(pod: KubeObject, field: 'containers' | 'initContainers'): Json[] {
  const list = specOf(pod)[field];
  return Array.isArray(list) ? (list as Json[]) : [];
}

function phaseOf(pod: KubeObject): string {
  return String((pod.status as Json | undefined)?.phase ?? '');
}

function isTerminalPhase(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** What a spec change that forces a restart looks at (the kubelet hashes the whole container); short, for a label. */
function containerHash(spec: Json): string {
  const fields = canonical({ image: spec.image, command: spec.command, args: spec.args, env: spec.env, envFrom: spec.envFrom, workingDir: spec.workingDir });
  return createHash('sha256').update(fields).digest('hex').slice(0, 16);
}

/** The literal env of a container (valueFrom is resolved by real runtimes later). */
function literalEnv(spec: Json): { name: string; value: string }[] {
  const env = Array.isArray(spec.env) ? (spec.env as Json[]) : [];
  return env.filter((e) => typeof e.value === 'string' || e.valueFrom === undefined).map((e) => ({ name: String(e.name), value: String(e.value ?? '') }));
}

/** How long a projected service-account token of this volume lives, in ms. */
function tokenLifetimeMs(volume: Json): number {
  const sources = (((volume.projected as Json | undefined)?.sources ?? []) as Json[]);
  const token = sources.find((s) => s.serviceAccountToken)?.serviceAccountToken as Json | undefined;
  return Number(token?.expirationSeconds ?? 3607) * 1000;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export class PodSyncer {
  private readonly pods = new Map<string, KubeObject>();
  private readonly states = new Map<string, PodState>();
  private readonly bySandbox = new Map<string, string>();
  private readonly pendingEvents = new Map<string, { pod: KubeObject; type: 'Normal' | 'Warning'; reason: string; message: string }[]>();
  private readonly backoff: Backoff;
  /** When each container's image last failed to pull ("<uid>/<container>/image"). */
  private readonly pullFailedAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: PodSyncDeps) {
    this.now = deps.now ?? Date.now;
    this.backoff = deps.backoff ?? new Backoff(this.now);
    this.unsubscribe = deps.runtime.onContainerEvent((e) => {
      const uid = this.bySandbox.get(e.sandboxId);
      if (uid) deps.scheduler.enqueue(uid);
    });
  }

  get nodeName(): string {
    return this.deps.nodeName;
  }

  /** Whether this node still tracks a pod (in the API or still being torn down). */
  has(uid: string): boolean {
    return this.pods.has(uid) || this.states.has(uid);
  }

  /** An added or updated pod bound to this node; older versions than the one held are ignored. */
  upsert(pod: KubeObject): void {
    const uid = pod.metadata.uid;
    if (!uid) return;
    const held = this.pods.get(uid);
    if (held && rvNumber(held) > rvNumber(pod)) return;
    this.pods.set(uid, pod);
    // The echo of our own status write changes nothing we would act on.
    if (this.states.get(uid)?.lastWritten?.rv === rvNumber(pod)) return;
    this.deps.scheduler.enqueue(uid);
  }

  /** A pod gone from the API. */
  remove(pod: KubeObject): void {
    const uid = pod.metadata.uid;
    if (!uid) return;
    this.pods.delete(uid);
    this.deps.scheduler.enqueue(uid);
  }

  close(): void {
    this.unsubscribe();
  }

  /**
   * Brings one pod's runtime state and API status in line with its spec. Its events go out after
   * the status write: on a busy API server the pod turns Running before its Created/Started events.
   */
  async sync(uid: string): Promise<void> {
    try {
      await this.syncPod(uid);
    } finally {
      const events = this.pendingEvents.get(uid);
      this.pendingEvents.delete(uid);
      for (const e of events ?? []) this.deps.recorder?.event(e.pod, e.type, e.reason, e.message);
    }
  }

  private async syncPod(uid: string): Promise<void> {
    const pod = this.pods.get(uid);
    const st = this.states.get(uid);
    if (!pod || specOf(pod).nodeName !== this.deps.nodeName) {
      if (st) await this.teardown(st);
      this.forget(uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      await this.terminate(pod, st ?? (await this.adoptedForDeletion(pod)));
      return;
    }
    if (!st && isTerminalPhase(phaseOf(pod))) return; // finished before this agent started
    const state = st ?? (await this.newState(pod));
    if (!state.finished) await this.runPod(pod, state);
    await this.writeStatus(pod, state);
  }

  // ---- pod lifecycle --------------------------------------------------------------------------

  /**
   * A pod seen for the first time: adopts what its status already says and what the runtime still
   * runs of it (a restarted agent).
   */
  private async newState(pod: KubeObject): Promise<PodState> {
    const status = (pod.status ?? {}) as Json;
    const st: PodState = {
      uid: pod.metadata.uid!,
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      startTime: typeof status.startTime === 'string' ? status.startTime : rfc3339(this.now()),
      records: new Map(),
      finished: false,
      terminal: false,
      deleted: false,
      volumes: podVolumes(pod),
      volumeHashes: new Map(),
    };
    const previous = [...((status.containerStatuses ?? []) as Json[]), ...((status.initContainerStatuses ?? []) as Json[])];
    for (const s of previous) {
      const last = (s.lastState as Json | undefined)?.terminated as Json | undefined;
      st.records.set(String(s.name), { restartCount: Number(s.restartCount ?? 0), lastTerminated: last, ready: false, started: false });
    }
    // A pod no agent started yet has nothing to adopt; runPodSandbox clears what a crash left.
    if (typeof status.startTime === 'string') await this.adopt(pod, st);
    this.states.set(st.uid, st);
    return st;
  }

  /**
   * The kubelet's relist after a restart (kuberuntime's computePodActions): the pod's latest
   * sandbox and, per container, its latest instance. A sandbox that still runs is kept with its
   * containers and IP, restartCount continuing from the instance's attempt. A dead one is kept only
   * as the record of what ran: its containers count as exited, so the next sync makes a new sandbox
   * (attempt + 1) and restarts them (restartCount + 1).
   */
  private async adopt(pod: KubeObject, st: PodState): Promise<void> {
    const runtime = this.deps.runtime;
    const sandboxes = await runtime.listPodSandboxes(st.uid);
    const sandbox = newest(sandboxes.filter((s) => s.state === 'ready')) ?? newest(sandboxes);
    if (!sandbox) return;
    // Dead: nothing of it may run on (a container could outlive its sandbox's network).
    if (sandbox.state !== 'ready') await runtime.stopPodSandbox(sandbox.id);
    st.sandbox = sandbox;
    this.bySandbox.set(sandbox.id, st.uid);
    if (sandbox.state === 'ready') st.ip = this.adoptIp(pod, st, sandbox);
    const containers = await runtime.listContainers(sandbox.id);
    // Created but never started (the agent died in between): nothing would ever start it.
    const unstarted = containers.filter((c) => c.state === 'created');
    await Promise.all(unstarted.map((c) => runtime.removeContainer(c.id)));
    const started = containers.filter((c) => c.state !== 'created');
    const specs = [...containersOf(pod, 'initContainers'), ...containersOf(pod, 'containers')];
    for (const spec of specs) {
      const name = String(spec.name);
      const instances = started.filter((c) => c.name === name).sort((a, b) => a.attempt - b.attempt || a.createdAt.localeCompare(b.createdAt));
      const latest = instances.at(-1);
      if (!latest) continue;
      const rec = this.record(st, name);
      rec.current = latest;
      rec.restartCount = latest.attempt;
      const previous = instances.filter((c) => c.attempt === latest.attempt - 1 && c.state === 'exited').at(-1);
      if (previous) rec.lastTerminated = terminatedState(previous);
      // The hash the container was started with (its label): a spec changed while no agent ran
      // restarts it, as the kubelet's computePodActions does. One without a label is taken to match.
      rec.specHash = latest.specHash ?? containerHash(spec);
    }
    this.deps.log?.(`pod ${st.namespace}/${st.name}: adopted ${sandbox.state === 'ready' ? 'running' : 'dead'} sandbox ${sandbox.id.slice(0, 12)} with ${started.length} container(s)`);
  }

  /** A pod deleted while no agent ran: its state only when the runtime still holds some of it. */
  private async adoptedForDeletion(pod: KubeObject): Promise<PodState | undefined> {
    const st = await this.newState(pod);
    if (st.sandbox) return st;
    this.states.delete(st.uid);
    return undefined;
  }

  /** The running sandbox's address, claimed in the node's IPAM so no other pod gets it. */
  private adoptIp(pod: KubeObject, st: PodState, sandbox: RuntimeSandbox): string | undefined {
    if (specOf(pod).hostNetwork === true) return this.deps.hostIP;
    const previous = (pod.status as Json | undefined)?.podIP;
    const ip = sandbox.ip || (typeof previous === 'string' ? previous : '');
    if (!ip) return undefined;
    if (cidrContains(this.deps.ips.cidr, ip) && !this.deps.ips.reserve(st.uid, ip)) {
      this.deps.log?.(`pod ${st.namespace}/${st.name}: its address ${ip} is held by another pod`);
    }
    return ip;
  }

  /**
   * Before the first sync of a restarted agent: the running sandboxes' addresses are claimed for
   * their pods, so a new pod synced before them cannot be given one.
   */
  async reserveRunningSandboxes(): Promise<void> {
    for (const s of await this.deps.runtime.listPodSandboxes()) {
      if (s.state === 'ready' && s.ip && cidrContains(this.deps.ips.cidr, s.ip)) this.deps.ips.reserve(s.podUid, s.ip);
    }
  }

  /**
   * Once the pods bound to the node are known: sandboxes (and their containers) of pods that are
   * not, deleted or moved while no agent ran, are stopped and removed (the kubelet's
   * HandlePodCleanups), and their addresses freed.
   */
  async removeOrphans(): Promise<void> {
    for (const s of await this.deps.runtime.listPodSandboxes()) {
      if (this.has(s.podUid)) continue;
      try {
        await this.deps.runtime.stopPodSandbox(s.id);
        await this.deps.runtime.removePodSandbox(s.id);
        this.deps.log?.(`removed the sandbox of pod ${s.namespace}/${s.name} (${s.podUid}), which is no longer bound to this node`);
      } catch (err) {
        this.deps.log?.(`remove the orphaned sandbox of pod ${s.namespace}/${s.name}: ${errorText(err)}`);
      }
      if (!this.has(s.podUid)) this.deps.ips.release(s.podUid);
    }
  }

  private async runPod(pod: KubeObject, st: PodState): Promise<void> {
    if (st.sandbox?.state !== 'ready') await this.startSandbox(pod, st);
    await this.refresh(st);
    // Containers start only once their volumes hold their files (the pod stays ContainerCreating).
    if (!(await this.setUpVolumes(pod, st))) return;
    if (await this.runInitContainers(pod, st)) {
      for (const spec of containersOf(pod, 'containers')) await this.runContainer(pod, st, spec);
    }
    await this.probe(pod, st);
  }

  /**
   * Writes the files of the API-backed volumes, at first and then every VOLUME_REFRESH_MS when
   * they changed (a projected token: when 80 % of its life has passed). False while a volume that
   * is needed cannot be set up: a FailedMount event, and another try soon.
   */
  private async setUpVolumes(pod: KubeObject, st: PodState): Promise<boolean> {
    const objects = this.deps.objects;
    const write = this.deps.runtime.writeVolumeFiles?.bind(this.deps.runtime);
    if (!objects || !write || !st.sandbox) return true;
    const specs = fileVolumes(pod);
    const now = this.now();
    const first = st.volumesWrittenAt === undefined;
    if (!first) {
      const dueAt = Math.min(st.volumesWrittenAt! + VOLUME_REFRESH_MS, st.tokenRefreshAt ?? Infinity);
      if (now < dueAt) {
        if (specs.length > 0) this.deps.scheduler.enqueueAfter(st.uid, dueAt - now);
        return true;
      }
    }
    if (first) {
      for (const u of unsupportedVolumes(pod)) {
        this.event(pod, 'Warning', 'FailedMount', `volume "${u.name}": ${u.kind} volumes are not supported on this node; it is mounted as an empty directory`);
      }
    }
    const tokenDue = first || (st.tokenRefreshAt !== undefined && now >= st.tokenRefreshAt);
    const ctx = { podIP: st.ip ?? '', hostIP: this.deps.hostIP, objects, allocatable: this.deps.allocatable ?? {} };
    try {
      for (const spec of specs) {
        const hasToken = ((((spec.projected as Json | undefined)?.sources ?? []) as Json[]).some((s) => s.serviceAccountToken));
        if (hasToken && !tokenDue) continue; // a new token every minute would only churn
        const files = await volumeFiles(pod, spec, ctx);
        if (!files) continue;
        const hash = canonical(files.map((f) => [f.path, f.mode, f.content.toString('base64')]));
        const volume = st.volumes.find((v) => v.name === spec.name);
        if (!volume || st.volumeHashes.get(volume.name) === hash) continue;
        await write(st.sandbox.id, volume, files);
        st.volumeHashes.set(volume.name, hash);
        if (hasToken) st.tokenRefreshAt = now + tokenLifetimeMs(spec) * TOKEN_REFRESH_FRACTION;
      }
    } catch (err) {
      if (!(err instanceof VolumeSetupError)) throw err;
      this.event(pod, 'Warning', 'FailedMount', err.message);
      if (first) {
        this.deps.scheduler.enqueueAfter(st.uid, CONFIG_RETRY_MS);
        return false;
      }
    }
    st.volumesWrittenAt = now;
    if (specs.length > 0) this.deps.scheduler.enqueueAfter(st.uid, Math.min(VOLUME_REFRESH_MS, (st.tokenRefreshAt ?? Infinity) - now));
    return true;
  }

  private podIp(pod: KubeObject, st: PodState): string {
    if (specOf(pod).hostNetwork === true) return this.deps.hostIP;
    const previous = (pod.status as Json | undefined)?.podIP;
    if (typeof previous === 'string' && cidrContains(this.deps.ips.cidr, previous) && this.deps.ips.reserve(st.uid, previous)) return previous;
    return this.deps.ips.allocate(st.uid);
  }

  private async startSandbox(pod: KubeObject, st: PodState): Promise<void> {
    const ip = this.podIp(pod, st);
    // A dead sandbox adopted after a restart: the new one replaces it (the runtime removes it).
    const dead = st.sandbox;
    if (dead) {
      this.bySandbox.delete(dead.id);
      st.sandbox = undefined;
    }
    try {
      const sandbox = await this.deps.runtime.runPodSandbox({
        podUid: st.uid,
        namespace: st.namespace,
        name: st.name,
        nodeName: this.deps.nodeName,
        hostname: String(specOf(pod).hostname ?? st.name),
        ip,
        hostNetwork: specOf(pod).hostNetwork === true,
        labels: pod.metadata.labels ?? {},
        volumes: st.volumes,
        attempt: dead ? (dead.attempt ?? 0) + 1 : 0,
      });
      st.sandbox = sandbox;
      st.ip = sandbox.ip || ip;
      this.bySandbox.set(sandbox.id, st.uid);
    } catch (err) {
      this.deps.ips.release(st.uid);
      throw err;
    }
  }

  /** Reads the latest state of every instance that was still running. */
  private async refresh(st: PodState): Promise<void> {
    for (const rec of st.records.values()) {
      if (rec.current && rec.current.state !== 'exited') {
        rec.current = (await this.deps.runtime.containerStatus(rec.current.id)) ?? { ...rec.current, state: 'exited', exitCode: 137, reason: 'Error' };
      }
    }
  }

  private record(st: PodState, name: string): ContainerRecord & { specHash?: string } {
    let rec = st.records.get(name);
    if (!rec) {
      rec = { restartCount: 0, ready: false, started: false };
      st.records.set(name, rec);
    }
    return rec;
  }

  /** Init containers in order; true once every one is done (sidecars: started). */
  private async runInitContainers(pod: KubeObject, st: PodState): Promise<boolean> {
    const restartPolicy = String(specOf(pod).restartPolicy ?? 'Always');
    for (const spec of containersOf(pod, 'initContainers')) {
      const rec = this.record(st, String(spec.name));
      if (isRestartableInit(spec)) {
        if (!rec.current) await this.start(pod, st, spec, rec);
        else if (rec.current.state === 'exited') await this.restartWithBackoff(pod, st, spec, rec);
        if (rec.current?.state !== 'running') return false;
        continue;
      }
      if (!rec.current) await this.start(pod, st, spec, rec);
      const cur = rec.current!;
      if (cur.state !== 'exited') return false;
      if (cur.exitCode === 0) continue;
      if (restartPolicy !== 'Never') await this.restartWithBackoff(pod, st, spec, rec);
      return false;
    }
    return true;
  }

  private async runContainer(pod: KubeObject, st: PodState, spec: Json): Promise<void> {
    const rec = this.record(st, String(spec.name));
    if (!rec.current) {
      await this.start(pod, st, spec, rec);
      return;
    }
    if (rec.current.state === 'running' && rec.specHash !== undefined && rec.specHash !== containerHash(spec)) {
      // The spec changed (a new image): the kubelet kills the container and starts the new one.
      this.event(pod, 'Normal', 'Killing', `Container ${String(spec.name)} definition changed, will be restarted`);
      await this.deps.runtime.stopContainer(rec.current.id, 0);
      rec.current = (await this.deps.runtime.containerStatus(rec.current.id)) ?? rec.current;
      await this.start(pod, st, spec, rec);
      return;
    }
    if (rec.current.state !== 'exited') return;
    const policy = String(specOf(pod).restartPolicy ?? 'Always');
    const restart = policy === 'Always' || (policy === 'OnFailure' && rec.current.exitCode !== 0);
    if (restart) await this.restartWithBackoff(pod, st, spec, rec);
  }

  /** Restarts an exited container now, or waits in CrashLoopBackOff (see backoff.ts). */
  private async restartWithBackoff(pod: KubeObject, st: PodState, spec: Json, rec: ContainerRecord): Promise<void> {
    const cur = rec.current!;
    const key = `${st.uid}/${String(spec.name)}`;
    const finishedAt = Date.parse(cur.finishedAt ?? cur.startedAt ?? cur.createdAt);
    if (this.backoff.isInBackOffSince(key, finishedAt)) {
      const wait = this.backoff.get(key);
      if (!rec.waiting) {
        this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${String(spec.name)} in pod ${st.name}_${st.namespace}(${st.uid})`);
      }
      rec.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatBackoff(wait)} restarting failed container=${String(spec.name)} pod=${st.name}_${st.namespace}(${st.uid})`,
      };
      rec.ready = false;
      rec.started = false;
      this.deps.scheduler.enqueueAfter(st.uid, Math.max(0, this.backoff.readyAt(key, finishedAt) - this.now()) + 50);
      return;
    }
    this.backoff.next(key, finishedAt);
    await this.start(pod, st, spec, rec);
  }

  /** Starts a new instance of a container (the first, or a restart). */
  private async start(pod: KubeObject, st: PodState, spec: Json, rec: ContainerRecord & { specHash?: string }): Promise<void> {
    const image = String(spec.image ?? '');
    const pulled = await this.pull(pod, st, spec, rec, image);
    if (!pulled) return;
    if (pulled.alreadyPresent) this.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
    const attempt = rec.current ? rec.restartCount + 1 : rec.restartCount;
    let config: ContainerConfig;
    try {
      config = { ...(await this.containerConfig(pod, st, spec, image, attempt)), specHash: containerHash(spec) };
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      // The kubelet's CreateContainerConfigError: the container waits, and the sync tries again.
      if (rec.waiting?.reason !== 'CreateContainerConfigError' || rec.waiting.message !== err.message) {
        this.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
      }
      rec.waiting = { reason: 'CreateContainerConfigError', message: err.message };
      rec.ready = rec.started = false;
      this.deps.scheduler.enqueueAfter(st.uid, CONFIG_RETRY_MS);
      return;
    }
    const started = await this.deps.runtime.startContainer(st.sandbox!.id, config, pulled.imageRef);
    if (rec.current) rec.lastTerminated = terminatedState(rec.current);
    rec.current = started;
    rec.restartCount = attempt;
    rec.waiting = undefined;
    rec.ready = false;
    rec.started = false;
    rec.specHash = containerHash(spec);
    this.event(pod, 'Normal', 'Created', `Created container: ${config.name}`);
    this.event(pod, 'Normal', 'Started', `Started container ${config.name}`);
  }

  /** What the runtime gets for one container: env resolved, $(VAR) expanded, mounts, limits. */
  private async containerConfig(pod: KubeObject, st: PodState, spec: Json, image: string, attempt: number): Promise<ContainerConfig> {
    const objects = this.deps.objects;
    const env = objects
      ? await makeEnvironment(pod, spec, { podIP: st.ip ?? '', hostIP: this.deps.hostIP, objects, allocatable: this.deps.allocatable ?? {} })
      : literalEnv(spec);
    const limits = ((spec.resources as Json | undefined)?.limits ?? {}) as Json;
    const memory = parseQuantity(limits.memory);
    const cpu = parseQuantity(limits.cpu);
    return {
      name: String(spec.name),
      image,
      command: objects ? expandCommand(strings(spec.command), env) : strings(spec.command),
      args: objects ? expandCommand(strings(spec.args), env) : strings(spec.args),
      env,
      workingDir: typeof spec.workingDir === 'string' ? spec.workingDir : undefined,
      attempt,
      mounts: containerMounts(pod, spec, st.volumes, env),
      memoryBytes: memory ? Math.ceil(memory) : undefined,
      nanoCpus: cpu ? Math.round(cpu * 1e9) : undefined,
      ...stdio(spec),
    };
  }

  /**
   * The image, or undefined when it cannot be had: the container waits in ErrImagePull, then in
   * ImagePullBackOff while the image back-off (10 s doubling to 5 min, as the kubelet's) runs.
   */
  private async pull(pod: KubeObject, st: PodState, spec: Json, rec: ContainerRecord, image: string): Promise<PulledImage | undefined> {
    const key = `${st.uid}/${String(spec.name)}/image`;
    const now = this.now();
    const failedAt = this.pullFailedAt.get(key);
    if (failedAt !== undefined && this.backoff.isInBackOffSince(key, failedAt)) {
      // A sync right after the failure (our own status write) keeps showing ErrImagePull a while.
      if (now - failedAt < PULL_ERROR_SHOWN_MS) {
        this.deps.scheduler.enqueueAfter(st.uid, failedAt + PULL_ERROR_SHOWN_MS - now);
        return undefined;
      }
      if (rec.waiting?.reason !== 'ImagePullBackOff') {
        this.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
        this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      }
      rec.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      this.deps.scheduler.enqueueAfter(st.uid, Math.max(0, this.backoff.readyAt(key, failedAt) - now) + 50);
      return undefined;
    }
    try {
      const pulled = await this.deps.runtime.pullImage(image);
      this.pullFailedAt.delete(key);
      return pulled;
    } catch (err) {
      this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
      this.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${errorText(err)}`);
      this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.backoff.next(key, now);
      this.pullFailedAt.set(key, now);
      rec.waiting = { reason: 'ErrImagePull', message: errorText(err) };
      rec.ready = rec.started = false;
      // Look again soon, as the kubelet's resync does: the pod then shows ImagePullBackOff.
      this.deps.scheduler.enqueueAfter(st.uid, PULL_ERROR_SHOWN_MS);
      return undefined;
    }
  }

  /**
   * Readiness and startup of the running containers; plans a re-sync when a delay ends. A container
   * whose liveness (or startup) probe failed is killed here; the next sync restarts it per restartPolicy.
   */
  private async probe(pod: KubeObject, st: PodState): Promise<void> {
    const now = this.now();
    const specs = [...containersOf(pod, 'initContainers'), ...containersOf(pod, 'containers')];
    let recheck: number | undefined;
    for (const spec of specs) {
      const rec = st.records.get(String(spec.name));
      if (!rec?.current || rec.current.state !== 'running' || rec.waiting) {
        if (rec) rec.ready = rec.started = false;
        this.deps.prober.stopped?.(st.uid, String(spec.name));
        continue;
      }
      if (specOf(pod).initContainers && containersOf(pod, 'initContainers').includes(spec) && !isRestartableInit(spec)) {
        // A plain init container has no probes: started while it runs, never ready until it succeeds.
        rec.ready = false;
        rec.started = true;
        continue;
      }
      const result = this.deps.prober.check(pod, spec, rec.current, now, st.ip);
      rec.ready = result.ready;
      rec.started = result.started;
      if (result.unhealthy) await this.killUnhealthy(pod, st, spec, rec, result.unhealthy);
      if (result.recheckAt !== undefined) recheck = Math.min(recheck ?? Infinity, result.recheckAt);
    }
    if (recheck !== undefined) this.deps.scheduler.enqueueAfter(st.uid, recheck - now + 10);
  }

  /** computePodActions' kill of a container whose liveness or startup probe failed. */
  private async killUnhealthy(pod: KubeObject, st: PodState, spec: Json, rec: ContainerRecord, probe: 'liveness' | 'startup'): Promise<void> {
    const name = String(spec.name);
    const restart = String(specOf(pod).restartPolicy ?? 'Always') !== 'Never' || isRestartableInit(spec);
    this.event(pod, 'Normal', 'Killing', `Container ${name} failed ${probe} probe${restart ? ', will be restarted' : ''}`);
    const probeSpec = spec[probe === 'liveness' ? 'livenessProbe' : 'startupProbe'] as Json;
    const grace = Number(probeSpec.terminationGracePeriodSeconds ?? specOf(pod).terminationGracePeriodSeconds ?? 30);
    await this.deps.runtime.stopContainer(rec.current!.id, grace);
    rec.current = (await this.deps.runtime.containerStatus(rec.current!.id)) ?? { ...rec.current!, state: 'exited', exitCode: 137, reason: 'Error' };
    rec.ready = rec.started = false;
    this.deps.prober.stopped?.(st.uid, name);
    this.deps.scheduler.enqueue(st.uid);
  }

  // ---- status ---------------------------------------------------------------------------------

  private buildStatus(pod: KubeObject, st: PodState): Json {
    return generatePodStatus({
      pod,
      records: st.records,
      sandboxReady: Boolean(st.sandbox) && !st.finished,
      podIP: st.ip ?? ((pod.status as Json | undefined)?.podIP as string | undefined),
      hostIP: this.deps.hostIP,
      startTime: st.startTime,
      now: rfc3339(this.now()),
      podIsTerminal: st.terminal,
    });
  }

  private async writeStatus(pod: KubeObject, st: PodState): Promise<void> {
    let status = this.buildStatus(pod, st);
    if (!st.finished && isTerminalPhase(String(status.phase))) {
      // A pod that completed: its sandbox stops, and the status says so in the same write.
      await this.stopSandbox(st, false);
      st.finished = true;
      status = this.buildStatus(pod, st);
    }
    const full = mergeOwnedStatus(pod.status as Json | undefined, status);
    if (jsonEqual(full, pod.status ?? {})) return;
    if (st.lastWritten && rvNumber(pod) <= st.lastWritten.rv && jsonEqual(full, st.lastWritten.status)) return;
    const patch = [
      { op: 'test', path: '/metadata/uid', value: st.uid },
      { op: 'add', path: '/status', value: full },
    ];
    try {
      const written = await this.deps.client.patch(Resources.pods, st.namespace, st.name, 'json', patch, 'status');
      st.lastWritten = { status: full, rv: rvNumber(written) };
      if (this.pods.has(st.uid) && rvNumber(written) > rvNumber(this.pods.get(st.uid))) this.pods.set(st.uid, written);
    } catch (err) {
      // Gone, or replaced by a pod of the same name (the uid test failed): the informer says which.
      if (apiCode(err) === 404 || apiCode(err) === 422) return;
      throw err;
    }
  }

  // ---- termination ----------------------------------------------------------------------------

  /** A pod being deleted: stop everything, then finish the delete the API server waits for. */
  private async terminate(pod: KubeObject, st: PodState | undefined): Promise<void> {
    if (st?.deleted) return;
    if (st) {
      for (const [name, rec] of st.records) {
        if (rec.current?.state === 'running') this.event(pod, 'Normal', 'Killing', `Stopping container ${name}`);
      }
      await this.stopSandbox(st);
      st.finished = true;
      st.terminal = true;
      // Finalizers keep the pod after the DELETE: leave it with a terminal status, as the kubelet does.
      if ((pod.metadata.finalizers ?? []).length > 0) await this.writeStatus(pod, st);
    }
    try {
      await this.deps.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!, {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      });
    } catch (err) {
      if (apiCode(err) !== 404 && apiCode(err) !== 409) throw err;
    }
    if (st) st.deleted = true;
  }

  /** Stops the sandbox (and so every container), keeping the records for the status. */
  /**
   * Stops the sandbox and frees the pod's IP. A pod that completed keeps its stopped containers
   * (their logs stay readable) until it is deleted; `remove` then takes them away.
   */
  private async stopSandbox(st: PodState, remove = true): Promise<void> {
    // Nothing runs any more: probing stopping containers would only report failures.
    this.deps.prober.forget?.(st.uid);
    if (st.sandbox) {
      await this.deps.runtime.stopPodSandbox(st.sandbox.id);
      await this.refresh(st);
      if (remove) {
        await this.deps.runtime.removePodSandbox(st.sandbox.id);
        this.bySandbox.delete(st.sandbox.id);
        st.sandbox = undefined;
      }
    }
    this.deps.ips.release(st.uid);
  }

  private async teardown(st: PodState): Promise<void> {
    await this.stopSandbox(st);
  }

  private forget(uid: string): void {
    this.states.delete(uid);
    this.backoff.forgetPrefix(`${uid}/`);
    for (const key of this.pullFailedAt.keys()) if (key.startsWith(`${uid}/`)) this.pullFailedAt.delete(key);
    this.deps.prober.forget?.(uid);
    this.deps.scheduler.cancel(uid);
  }

  private event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (!this.deps.recorder) return;
    const uid = pod.metadata.uid!;
    const list = this.pendingEvents.get(uid) ?? [];
    list.push({ pod, type, reason, message });
    this.pendingEvents.set(uid, list);
  }

  /** For tests: the node's view of one pod. */
  debugState(uid: string): { ip?: string; records: Map<string, ContainerRecord> } | undefined {
    const st = this.states.get(uid);
    return st && { ip: st.ip, records: st.records };
  }
}

export type { RuntimeContainer };

/** The latest created of some sandboxes. */
function newest(sandboxes: RuntimeSandbox[]): RuntimeSandbox | undefined {
  return [...sandboxes].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}

/** spec.stdin, stdinOnce and tty, set only when asked for (kubectl run -it, attach -i). */
function stdio(spec: Json): Pick<ContainerConfig, 'stdin' | 'stdinOnce' | 'tty'> {
  const out: Pick<ContainerConfig, 'stdin' | 'stdinOnce' | 'tty'> = {};
  if (spec.stdin === true) out.stdin = true;
  if (spec.stdinOnce === true) out.stdinOnce = true;
  if (spec.tty === true) out.tty = true;
  return out;
}
