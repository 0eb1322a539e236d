// The container runtime a node agent drives (a trimmed CRI): pod sandboxes that hold the pod's
// network identity, and containers started inside them. The fake (hollow) runtime and the Docker
// runtime both implement it; the agent owns every Kubernetes decision (restarts, back-off, status).
import type { Readable, Writable } from 'node:stream';

/** A sandbox as the agent asks for it: the pod's identity and the IP the agent allocated. */
export interface SandboxConfig {
  podUid: string;
  namespace: string;
  name: string;
  nodeName: string;
  hostname: string;
  /** The pod IP chosen by the agent (the node's own IP for hostNetwork pods). */
  ip: string;
  hostNetwork: boolean;
  /** Pod labels, for runtimes that label what they create (adoption after a restart). */
  labels: Record<string, string>;
  /** The pod's volumes, made before the sandbox starts (runtimes without volumes ignore them). */
  volumes?: PodVolume[];
  /** How many sandboxes of this pod ran before (CRI metadata.attempt); 0 when absent. */
  attempt?: number;
}

/**
 * A volume of a pod. `pod` volumes live and die with the pod (emptyDir, and the API-backed ones the
 * agent writes files into); `node` volumes (hostPath) belong to the node and outlive the pod.
 */
export interface PodVolume {
  name: string;
  scope: 'pod' | 'node';
  /** For node volumes: the path on the node it stands for. */
  hostPath?: string;
}

/** One mount of a pod volume into a container. */
export interface VolumeMount {
  volume: PodVolume;
  containerPath: string;
  readOnly: boolean;
  /** A path inside the volume to mount instead of its root (subPath, or subPathExpr expanded). */
  subPath?: string;
}

/** A file the agent writes into a pod volume (configMap, secret, downwardAPI, projected). */
export interface VolumeFile {
  path: string;
  content: Buffer;
  mode: number;
}

export interface RuntimeSandbox {
  id: string;
  podUid: string;
  namespace: string;
  name: string;
  ip: string;
  state: 'ready' | 'notready';
  createdAt: string;
  /** CRI metadata.attempt, when the runtime records it. */
  attempt?: number;
}

/** One container instance to create and start. */
export interface ContainerConfig {
  name: string;
  image: string;
  /** spec.command (the entrypoint override); empty means the image's own. */
  command: string[];
  /** spec.args (the cmd override); empty means the image's own. */
  args: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  /** How many instances of this container ran before (CRI metadata.attempt = restartCount). */
  attempt: number;
  /** The hash of the spec it was made from, kept on the container (io.kubernetes.container.hash). */
  specHash?: string;
  mounts?: VolumeMount[];
  /** limits.memory in bytes. */
  memoryBytes?: number;
  /** limits.cpu in billionths of a CPU. */
  nanoCpus?: number;
  /** spec.stdin: the container's stdin stays open for `kubectl attach -i` (and `run -i`). */
  stdin?: boolean;
  /** spec.stdinOnce: stdin closes when the first attached client goes away. */
  stdinOnce?: boolean;
  /** spec.tty: the process gets a terminal. */
  tty?: boolean;
}

/** What a command run in a container printed, and its exit code (CRI ExecSync). */
export interface ExecSyncResult {
  exitCode: number;
  output: string;
}

/** A container instance as the runtime reports it (CRI ContainerStatus, trimmed). */
export interface RuntimeContainer {
  /** "<runtime>://<id>", as Kubernetes shows it in containerID. */
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  /** The spec hash it was started with, when the runtime keeps one (an adopting agent compares it). */
  specHash?: string;
  image: string;
  /** The image's resolved reference (the pod status's imageID). */
  imageRef: string;
  state: 'created' | 'running' | 'exited';
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** Why it exited: "Completed", "Error", "OOMKilled", "ContainerCannotRun". */
  reason?: string;
  message?: string;
}

/** Pushed when a container changes state on its own (the kubelet's PLEG, without polling). */
export interface ContainerEvent {
  type: 'started' | 'exited';
  containerId: string;
  sandboxId: string;
}

export interface PulledImage {
  imageRef: string;
  /** True when no pull was needed (the "already present on machine" event). */
  alreadyPresent: boolean;
}

export interface Runtime {
  /** "fake", "docker": the containerID scheme. */
  readonly type: string;
  /** Shown as the node's containerRuntimeVersion, e.g. "fake://0.1". */
  version(): Promise<string>;
  pullImage(image: string): Promise<PulledImage>;
  runPodSandbox(config: SandboxConfig): Promise<RuntimeSandbox>;
  /** Stops the sandbox and every container still running in it. */
  stopPodSandbox(sandboxId: string): Promise<void>;
  /** Removes a stopped sandbox and its containers. */
  removePodSandbox(sandboxId: string): Promise<void>;
  /** Every sandbox of the node, or only those of one pod. */
  listPodSandboxes(podUid?: string): Promise<RuntimeSandbox[]>;
  /** Creates and starts one container; the returned status may already be `exited`. */
  startContainer(sandboxId: string, config: ContainerConfig, imageRef: string): Promise<RuntimeContainer>;
  /** Asks the container to stop, killing it after `gracePeriodSeconds`. */
  stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<RuntimeContainer | undefined>;
  listContainers(sandboxId?: string): Promise<RuntimeContainer[]>;
  /** Subscribes to state changes; returns the unsubscribe function. */
  onContainerEvent(listener: (event: ContainerEvent) => void): () => void;
  /** Releases whatever the runtime holds (timers, connections); containers are left alone. */
  close(): Promise<void>;
  /** Runs a command in a running container, without a terminal, within `timeoutMs` (exec probes). */
  execSync?(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecSyncResult>;
  /** Replaces a pod volume's files (written before the containers that mount it start). */
  writeVolumeFiles?(sandboxId: string, volume: PodVolume, files: VolumeFile[]): Promise<void>;
  /** Runs a command in a running container with its stdio streamed (kubectl exec; CRI Exec). */
  exec(containerId: string, request: ExecRequest): Promise<StdioStreams>;
  /** Connects to a running container's own stdio (kubectl attach; CRI Attach). */
  attach(containerId: string, request: StdioRequest): Promise<StdioStreams>;
  /** The container's output, stdout and stderr interleaved (kubectl logs; CRI's log file). */
  logs(containerId: string, options: LogRequest): Promise<Readable>;
  /**
   * One sample of a running container's (or a sandbox's) resource usage (CRI ContainerStats);
   * undefined when the runtime has none for it: a hollow container, or one that stopped.
   */
  containerStats(containerId: string): Promise<ResourceSample | undefined>;
  /**
   * The node's own usage outside its pods (the node container's: the agent, kube-proxy, a control
   * plane); undefined when the runtime cannot measure it.
   */
  nodeStats?(): Promise<ResourceSample | undefined>;
}

/** Cumulative CPU time and current memory of one cgroup, read at `time` (cadvisor's ContainerStats). */
export interface ResourceSample {
  /** RFC 3339 (nanoseconds allowed). */
  time: string;
  cpuUsageCoreNanoSeconds: number;
  memory: {
    usageBytes: number;
    workingSetBytes: number;
    rssBytes?: number;
    pageFaults?: number;
    majorPageFaults?: number;
  };
}

/** Which of the process's stdio the client wants. */
export interface StdioRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecRequest extends StdioRequest {
  command: string[];
}

/** An exec's or attach's streams; `stderr` is empty with a tty. */
export interface StdioStreams {
  /** end() closes the process's stdin. */
  stdin?: Writable;
  stdout: Readable;
  stderr: Readable;
  resize(width: number, height: number): Promise<void>;
  /** Once the output has ended: the exit code (undefined when the runtime cannot tell). */
  exitCode(): Promise<number | undefined>;
  /** Drops the streams (the client went away). */
  close(): void;
}

export interface LogRequest {
  follow: boolean;
  tailLines?: number;
  /** Unix seconds: only output written at or after it. */
  since?: number;
  timestamps: boolean;
}

/** The reason a runtime gives a container that exited with `exitCode` on its own. */
export function exitReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}
