// The Docker runtime (dockershim's shape, trimmed): a pod sandbox is a tiny container holding the
// pod's address on the profile network, and each container joins the sandbox's network namespace.
// Everything is labelled (profile, node, pod uid/namespace/name, container) so a restarted agent
// lists and adopts what it finds, and `skiff delete` finds everything to remove.
import { createHash } from 'node:crypto';
import type { ContainerEngine, ContainerMount, EngineContainer } from '../../driver/engine.js';
import {
  exitReason,
  type ContainerConfig,
  type ContainerEvent,
  type ExecSyncResult,
  type PodVolume,
  type VolumeFile,
  type PulledImage,
  type ResourceSample,
  type Runtime,
  type RuntimeContainer,
  type RuntimeSandbox,
  type SandboxConfig,
} from '../runtime.js';
import type { ExecRequest, LogRequest, StdioRequest, StdioStreams } from '../runtime.js';
import type { Readable } from 'node:stream';

export const LABELS = {
  profile: 'skiff.dev/profile',
  node: 'skiff.dev/node',
  type: 'io.kubernetes.docker.type',
  podUid: 'io.kubernetes.pod.uid',
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  container: 'io.kubernetes.container.name',
  sandboxId: 'io.kubernetes.sandbox.id',
  attempt: 'io.kubernetes.container.restartCount',
  specHash: 'io.kubernetes.container.hash',
  /** On volumes: the pod volume's name, and whether it lives with the pod or the node. */
  volume: 'skiff.dev/volume',
  volumeScope: 'skiff.dev/volume-scope',
} as const;

/** Where the sandbox mounts each pod volume, so the agent can write files into it at any time. */
export const SANDBOX_VOLUMES_DIR = '/.skiff/volumes';

const SANDBOX = 'podsandbox';
const CONTAINER = 'container';

export interface DockerRuntimeOptions {
  engine: ContainerEngine;
  profile: string;
  nodeName: string;
  /** The profile's network: pods get their own address on it. */
  network: string;
  /** The node container's id: hostNetwork pods share its network namespace. */
  nodeContainerId: string;
  sandboxImage: string;
  /** kube-dns's ClusterIP (10.96.0.10). */
  clusterDns: string;
  clusterDomain?: string;
}

/** An image that is not on the engine: there is no registry to pull it from. */
export class ImageNotPresentError extends Error {
  constructor(readonly image: string) {
    super(`image "${image}" is not present on the node and no registry is reachable: load it with \`skiff image load\` or build it with \`skiff image build\``);
    this.name = 'ImageNotPresentError';
  }
}

/** dockershim's names: k8s_<container>_<pod>_<namespace>_<uid>_<attempt>, unique per engine. */
function containerName(kind: string, pod: { name: string; namespace: string; podUid: string }, attempt: number): string {
  return `k8s_${kind}_${pod.name}_${pod.namespace}_${pod.podUid}_${attempt}`;
}

/**
 * The engine volume behind a pod volume. Bind mounts would name paths on the ENGINE's host, not
 * on the node (the agent runs inside a node container), so every volume is a named volume: pod
 * volumes per pod uid, hostPath volumes per node and path (shared by the node's pods, kept after
 * them, removed with the profile).
 */
export function engineVolumeName(o: { profile: string; nodeName: string }, podUid: string, volume: PodVolume): string {
  if (volume.scope === 'node') {
    const hash = createHash('sha256').update(volume.hostPath ?? volume.name).digest('hex').slice(0, 16);
    return `${o.profile}-${o.nodeName}-hostpath-${hash}`;
  }
  return `${o.profile}-pod-${podUid}-${volume.name}`;
}

export class DockerRuntime implements Runtime {
  readonly type = 'docker';
  /** Sandboxes whose start is under way, with the pod they belong to. */
  private readonly sandboxStarts = new Map<string, { started: Promise<EngineContainer>; pod: PodIdentity }>();
  private readonly ownLabels: Record<string, string>;

  constructor(private readonly o: DockerRuntimeOptions) {
    this.ownLabels = { [LABELS.profile]: o.profile, [LABELS.node]: o.nodeName };
  }

  version(): Promise<string> {
    return this.o.engine.version();
  }

  async pullImage(image: string): Promise<PulledImage> {
    const id = await this.o.engine.imageId(image);
    if (!id) throw new ImageNotPresentError(image);
    return { imageRef: id, alreadyPresent: true };
  }

  async runPodSandbox(config: SandboxConfig): Promise<RuntimeSandbox> {
    const domain = this.o.clusterDomain ?? 'cluster.local';
    // A new sandbox replaces every earlier one of the pod: the agent adopts a sandbox that still
    // runs (it never asks for a new one then), so what is left here is dead (or was never reported
    // to the API before a crash), and it holds the pod's names and address.
    const stale = await this.o.engine.list({ ...this.ownLabels, [LABELS.podUid]: config.podUid });
    await Promise.all(stale.map((c) => this.o.engine.remove(c.id)));
    const mounts = await this.createVolumes(config);
    const attempt = config.attempt ?? 0;
    const id = await this.o.engine.create({
      mounts,
      name: containerName('POD', config, attempt),
      image: this.o.sandboxImage,
      env: [],
      init: true,
      labels: {
        ...this.ownLabels,
        [LABELS.type]: SANDBOX,
        [LABELS.podUid]: config.podUid,
        [LABELS.podName]: config.name,
        [LABELS.podNamespace]: config.namespace,
        [LABELS.container]: 'POD',
        [LABELS.attempt]: String(attempt),
      },
      network: config.hostNetwork
        ? { mode: 'container', containerId: this.o.nodeContainerId }
        : {
            mode: 'network',
            network: this.o.network,
            ip: config.ip,
            hostname: config.hostname,
            dns: [this.o.clusterDns],
            dnsSearch: [`${config.namespace}.svc.${domain}`, `svc.${domain}`, domain],
            dnsOptions: ['ndots:5'],
          },
    });
    // The sandbox starts (its network set up: the slowest step of a pod's start) while the agent
    // writes the pod's volumes and creates its containers; startContainer waits for it.
    const started = this.startSandbox(id, config);
    this.sandboxStarts.set(id, { started, pod: { name: config.name, namespace: config.namespace, podUid: config.podUid } });
    started.catch(() => {}).finally(() => this.sandboxStarts.delete(id));
    return { id, podUid: config.podUid, namespace: config.namespace, name: config.name, ip: config.ip, state: 'ready', createdAt: new Date().toISOString(), attempt };
  }

  private async startSandbox(id: string, config: SandboxConfig): Promise<EngineContainer> {
    const started = await this.o.engine.start(id);
    if (started.state !== 'running') {
      await this.o.engine.remove(started.id);
      throw new Error(`failed to start the sandbox of pod ${config.namespace}/${config.name}: ${started.error ?? started.state}`);
    }
    return started;
  }

  /** The sandbox, once running: its start may still be under way (runPodSandbox does not wait). */
  private async runningSandbox(sandboxId: string): Promise<EngineContainer> {
    const sandbox = await (this.sandboxStarts.get(sandboxId)?.started ?? this.o.engine.inspect(sandboxId));
    if (!sandbox || sandbox.state !== 'running') throw new Error(`sandbox ${sandboxId} is not ready`);
    return sandbox;
  }

  /** The pod's engine volumes (kept if they exist: a new sandbox of the same pod adopts them). */
  private async createVolumes(config: SandboxConfig): Promise<ContainerMount[]> {
    const mounts: ContainerMount[] = [];
    for (const volume of config.volumes ?? []) {
      const name = engineVolumeName(this.o, config.podUid, volume);
      const labels: Record<string, string> = { ...this.ownLabels, [LABELS.volume]: volume.name, [LABELS.volumeScope]: volume.scope };
      if (volume.scope === 'pod') labels[LABELS.podUid] = config.podUid;
      await this.o.engine.createVolume(name, labels);
      if (volume.scope === 'pod') mounts.push({ volume: name, target: `${SANDBOX_VOLUMES_DIR}/${volume.name}` });
    }
    return mounts;
  }

  async writeVolumeFiles(sandboxId: string, volume: PodVolume, files: VolumeFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.o.engine.writeFiles(sandboxId, `${SANDBOX_VOLUMES_DIR}/${volume.name}`, files);
  }

  /**
   * The engine mounts of a container. A subPath binds the path under the volume's data on the
   * engine's host (the engine creates it when missing, as the kubelet does for subPath).
   */
  private async containerMounts(podUid: string, config: ContainerConfig): Promise<ContainerMount[]> {
    const mounts: ContainerMount[] = [];
    for (const m of config.mounts ?? []) {
      const name = engineVolumeName(this.o, podUid, m.volume);
      const volume = m.subPath ? `${await this.o.engine.volumePath(name)}/${m.subPath}` : name;
      mounts.push({ volume, target: m.containerPath, readOnly: m.readOnly });
    }
    return mounts;
  }

  execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecSyncResult> {
    return this.o.engine.exec(engineId(containerId), cmd, timeoutMs);
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const members = await this.o.engine.list({ ...this.ownLabels, [LABELS.sandboxId]: sandboxId });
    await Promise.all(members.map((c) => this.o.engine.stop(c.id, 0)));
    await this.o.engine.stop(sandboxId, 0);
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    const members = await this.o.engine.list({ ...this.ownLabels, [LABELS.sandboxId]: sandboxId });
    await Promise.all(members.map((c) => this.o.engine.remove(c.id)));
    const sandbox = await this.o.engine.inspect(sandboxId);
    await this.o.engine.remove(sandboxId);
    // The pod's own volumes go with it; node (hostPath) volumes stay.
    const podUid = sandbox?.labels[LABELS.podUid];
    if (podUid) {
      const volumes = await this.o.engine.listVolumes({ ...this.ownLabels, [LABELS.podUid]: podUid, [LABELS.volumeScope]: 'pod' });
      await Promise.all(volumes.map((v) => this.o.engine.removeVolume(v)));
    }
  }

  async listPodSandboxes(podUid?: string): Promise<RuntimeSandbox[]> {
    // One pod's: the engine filters by label, so an adopting agent inspects only that pod's sandboxes.
    const found = await this.o.engine.list({ ...this.ownLabels, [LABELS.type]: SANDBOX, ...(podUid ? { [LABELS.podUid]: podUid } : {}) });
    return found.map((c) => toSandbox(c, c.ip ?? ''));
  }

  async startContainer(sandboxId: string, config: ContainerConfig, imageRef: string): Promise<RuntimeContainer> {
    const starting = this.sandboxStarts.get(sandboxId);
    const pod = starting?.pod ?? podOf(await this.runningSandbox(sandboxId));
    // Created while a new sandbox may still be starting; started once it runs.
    const id = await this.o.engine.create({
      name: containerName(config.name, pod, config.attempt),
      image: imageRef,
      entrypoint: config.command.length ? config.command : undefined,
      cmd: config.args.length ? config.args : undefined,
      env: config.env,
      workingDir: config.workingDir,
      memoryBytes: config.memoryBytes,
      nanoCpus: config.nanoCpus,
      openStdin: config.stdin,
      stdinOnce: config.stdinOnce,
      tty: config.tty,
      mounts: await this.containerMounts(pod.podUid, config),
      labels: {
        ...this.ownLabels,
        [LABELS.type]: CONTAINER,
        [LABELS.podUid]: pod.podUid,
        [LABELS.podName]: pod.name,
        [LABELS.podNamespace]: pod.namespace,
        [LABELS.container]: config.name,
        [LABELS.sandboxId]: sandboxId,
        [LABELS.attempt]: String(config.attempt),
        ...(config.specHash ? { [LABELS.specHash]: config.specHash } : {}),
      },
      network: { mode: 'container', containerId: sandboxId },
    });
    try {
      await this.runningSandbox(sandboxId);
    } catch (err) {
      await this.o.engine.remove(id);
      throw err;
    }
    return toContainer(await this.o.engine.start(id), config.image);
  }

  stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void> {
    return this.o.engine.stop(engineId(containerId), Math.max(0, Math.ceil(gracePeriodSeconds)));
  }

  removeContainer(containerId: string): Promise<void> {
    return this.o.engine.remove(engineId(containerId));
  }

  async containerStatus(containerId: string): Promise<RuntimeContainer | undefined> {
    const found = await this.o.engine.inspect(engineId(containerId));
    return found && toContainer(found);
  }

  async listContainers(sandboxId?: string): Promise<RuntimeContainer[]> {
    const labels = { ...this.ownLabels, [LABELS.type]: CONTAINER, ...(sandboxId ? { [LABELS.sandboxId]: sandboxId } : {}) };
    return (await this.o.engine.list(labels)).map((c) => toContainer(c));
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    return this.o.engine.watch({ ...this.ownLabels, [LABELS.type]: CONTAINER }, (e) => {
      listener({
        type: e.action === 'start' ? 'started' : 'exited',
        containerId: `docker://${e.containerId}`,
        sandboxId: e.labels[LABELS.sandboxId] ?? '',
      });
    });
  }

  exec(containerId: string, request: ExecRequest): Promise<StdioStreams> {
    return this.o.engine.execStreams(engineId(containerId), { cmd: request.command, stdin: request.stdin, stdout: request.stdout, stderr: request.stderr, tty: request.tty });
  }

  attach(containerId: string, request: StdioRequest): Promise<StdioStreams> {
    return this.o.engine.attach(engineId(containerId), request);
  }

  logs(containerId: string, options: LogRequest): Promise<Readable> {
    return this.o.engine.logs(engineId(containerId), { follow: options.follow, tail: options.tailLines, since: options.since, timestamps: options.timestamps });
  }

  containerStats(containerId: string): Promise<ResourceSample | undefined> {
    return this.o.engine.stats(engineId(containerId));
  }

  /**
   * The node container's own cgroup, as the engine reads it: the agent, kube-proxy and a control
   * plane run in it, while the pods are its siblings on the engine. Undefined when the agent does
   * not run in a node container (`skiff agent` started on a host).
   */
  nodeStats(): Promise<ResourceSample | undefined> {
    return this.o.engine.stats(this.o.nodeContainerId);
  }

  async close(): Promise<void> {
    // Containers outlive the agent: a restarted agent adopts them.
  }
}

function engineId(containerId: string): string {
  return containerId.replace(/^docker:\/\//, '');
}

interface PodIdentity {
  name: string;
  namespace: string;
  podUid: string;
}

function podOf(sandbox: EngineContainer): PodIdentity {
  return { name: sandbox.labels[LABELS.podName]!, namespace: sandbox.labels[LABELS.podNamespace]!, podUid: sandbox.labels[LABELS.podUid]! };
}

function toSandbox(c: EngineContainer, ip: string): RuntimeSandbox {
  return {
    id: c.id,
    podUid: c.labels[LABELS.podUid] ?? '',
    namespace: c.labels[LABELS.podNamespace] ?? '',
    name: c.labels[LABELS.podName] ?? '',
    ip: c.ip || ip,
    state: c.state === 'running' || c.state === 'paused' ? 'ready' : 'notready',
    createdAt: c.createdAt,
    attempt: Number(c.labels[LABELS.attempt] ?? 0),
  };
}

/** The engine's view of a container in the kubelet's terms (CRI ContainerStatus). */
export function toContainer(c: EngineContainer, image?: string): RuntimeContainer {
  const base: RuntimeContainer = {
    id: `docker://${c.id}`,
    sandboxId: c.labels[LABELS.sandboxId] ?? '',
    name: c.labels[LABELS.container] ?? c.name,
    attempt: Number(c.labels[LABELS.attempt] ?? 0),
    ...(c.labels[LABELS.specHash] ? { specHash: c.labels[LABELS.specHash] } : {}),
    image: image ?? c.image,
    imageRef: c.imageId,
    state: c.state === 'exited' ? 'exited' : c.state === 'created' ? 'created' : 'running',
    createdAt: c.createdAt,
    startedAt: c.startedAt,
  };
  if (c.state === 'created' && c.error) {
    // It never ran: Kubernetes shows such a container terminated with ContainerCannotRun.
    return { ...base, state: 'exited', exitCode: c.exitCode || 128, reason: 'ContainerCannotRun', message: c.error, finishedAt: c.finishedAt ?? c.createdAt };
  }
  if (c.state !== 'exited') return base;
  const exitCode = c.exitCode ?? 0;
  return {
    ...base,
    finishedAt: c.finishedAt,
    exitCode,
    reason: c.oomKilled ? 'OOMKilled' : exitReason(exitCode),
    ...(c.error ? { message: c.error } : {}),
  };
}
