// The container engine as a node's kubelet sees it: pod sandboxes and their containers, created as
// siblings of the node containers on the same engine (DESIGN "The picture"). Only
// src/driver/docker/ implements it; the kubelet's Docker runtime speaks to it and nothing else.

/** How a container joins the network: its own address on the profile network, or another's. */
export type ContainerNetwork =
  | {
      mode: 'network';
      network: string;
      ip: string;
      hostname: string;
      dns: string[];
      dnsSearch: string[];
      dnsOptions: string[];
    }
  | { mode: 'container'; containerId: string };

export interface ContainerSpec {
  name: string;
  image: string;
  /** Replaces the image's ENTRYPOINT when given (Kubernetes' command). */
  entrypoint?: string[];
  /** Replaces the image's CMD when given (Kubernetes' args). */
  cmd?: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  labels: Record<string, string>;
  network: ContainerNetwork;
  /** Run a tiny init as PID 1 that reaps zombies and forwards signals (docker run --init). */
  init?: boolean;
  memoryBytes?: number;
  nanoCpus?: number;
}

export type EngineContainerState = 'created' | 'running' | 'paused' | 'exited';

export interface EngineContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  image: string;
  /** The image's content id (sha256:…). */
  imageId: string;
  state: EngineContainerState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** The engine's reason a container could not start, if it could not. */
  error?: string;
  /** Its address on its own network (sandboxes). */
  ip?: string;
}

export interface EngineEvent {
  containerId: string;
  action: 'start' | 'die';
  /** The container's labels, as the engine reports them with the event. */
  labels: Record<string, string>;
}

export interface ContainerEngine {
  /** "docker://28.2.2": the engine and its version, as a node reports containerRuntimeVersion. */
  version(): Promise<string>;
  /** The image's content id, or undefined when the engine does not have it. */
  imageId(reference: string): Promise<string | undefined>;
  /** Creates and starts a container; a container that fails to start is left created, with its error. */
  run(spec: ContainerSpec): Promise<EngineContainer>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; a stopped or missing container is fine. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes the container (and its anonymous volumes); a missing one is fine. */
  remove(id: string): Promise<void>;
  inspect(id: string): Promise<EngineContainer | undefined>;
  /** Containers (running or not) carrying every one of these labels. */
  list(labels: Record<string, string>): Promise<EngineContainer[]>;
  /** Start and die events of containers with these labels; returns the unsubscribe function. */
  watch(labels: Record<string, string>, onEvent: (event: EngineEvent) => void): () => void;
}
