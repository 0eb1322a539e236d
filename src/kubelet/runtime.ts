// The container runtime a node agent drives (a trimmed CRI): pod sandboxes that hold the pod's
// network identity, and containers started inside them. The fake (hollow) runtime and the Docker
// runtime both implement it; the agent owns every Kubernetes decision (restarts, back-off, status).

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
}

export interface RuntimeSandbox {
  id: string;
  podUid: string;
  namespace: string;
  name: string;
  ip: string;
  state: 'ready' | 'notready';
  createdAt: string;
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
}

/** A container instance as the runtime reports it (CRI ContainerStatus, trimmed). */
export interface RuntimeContainer {
  /** "<runtime>://<id>", as Kubernetes shows it in containerID. */
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
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
  listPodSandboxes(): Promise<RuntimeSandbox[]>;
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
}

/** The reason a runtime gives a container that exited with `exitCode` on its own. */
export function exitReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}
