// The container engine as a node's kubelet sees it: pod sandboxes and their containers, created as
// siblings of the node containers on the same engine (DESIGN "The picture"). Only
// src/driver/docker/ implements it; the kubelet's Docker runtime speaks to it and nothing else.
import type { Readable, Writable } from 'node:stream';

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
  /** Keep stdin open for attaching clients (docker run -i); StdinOnce closes it after the first. */
  openStdin?: boolean;
  stdinOnce?: boolean;
  /** Give the process a terminal (docker run -t). */
  tty?: boolean;
  /** Named volumes (or engine-host paths) mounted into the container. */
  mounts?: ContainerMount[];
}

export interface ContainerMount {
  /** A named volume of the engine, or an absolute path on the engine's host (see volumePath). */
  volume: string;
  target: string;
  readOnly?: boolean;
}

/** What a non-interactive exec printed (stdout and stderr interleaved) and how it ended. */
export interface ExecResult {
  exitCode: number;
  output: string;
}

/** One file to write into a container (modes are permission bits: 0o644). */
export interface FileEntry {
  /** Relative to the target directory; parent directories are created. */
  path: string;
  content: Buffer;
  mode: number;
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
  /** `run` in two halves, so a caller can overlap a container's start with other work. */
  create(spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<EngineContainer>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; a stopped or missing container is fine. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes the container (and its anonymous volumes); a missing one is fine. */
  remove(id: string): Promise<void>;
  inspect(id: string): Promise<EngineContainer | undefined>;
  /** Containers (running or not) carrying every one of these labels. */
  list(labels: Record<string, string>): Promise<EngineContainer[]>;
  /** Start and die events of containers with these labels; returns the unsubscribe function. */
  watch(labels: Record<string, string>, onEvent: (event: EngineEvent) => void): () => void;
  /** Runs a command in a running container with its stdio streamed (kubectl exec; CRI Exec). */
  execStreams(id: string, options: EngineExecOptions): Promise<EngineStreams>;
  /** Attaches to a running container's own stdio (docker attach). */
  attach(id: string, options: EngineAttachOptions): Promise<EngineStreams>;
  /** The container's output, stdout and stderr interleaved as written (docker logs). */
  logs(id: string, options: EngineLogOptions): Promise<Readable>;
  /**
   * Runs `cmd` in a running container without a terminal (CRI ExecSync); rejects with an
   * ExecTimeoutError when it has not ended after `timeoutMs`.
   */
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** Creates a named volume with these labels; one that exists already is fine. */
  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  /** Removes a named volume; a missing one is fine. */
  removeVolume(name: string): Promise<void>;
  /** Names of the volumes carrying every one of these labels. */
  listVolumes(labels: Record<string, string>): Promise<string[]>;
  /** Writes files under `dir` of a container, running or not (the Engine API's put archive). */
  writeFiles(id: string, dir: string, files: FileEntry[]): Promise<void>;
  /**
   * Where a named volume's data lives on the engine's host: a bind mount of a path under it
   * mounts part of the volume (subPath), on engines that have no volume subpath option.
   */
  volumePath(name: string): Promise<string>;
  /**
   * One sample of a running container's resource usage (docker stats --no-stream, without the
   * engine's second sample); undefined when the container is missing or not running.
   */
  stats(id: string): Promise<EngineStats | undefined>;
}

/** A container's cumulative CPU time and current memory, as the engine read them from its cgroup. */
export interface EngineStats {
  /** When the engine read them (RFC 3339 with nanoseconds). */
  time: string;
  /** CPU time used since the container started, all cores (cpuacct.usage; cpu.stat usage_usec). */
  cpuUsageCoreNanoSeconds: number;
  memory: {
    usageBytes: number;
    /** Usage less the inactive file cache: what the kernel cannot easily reclaim (cadvisor's). */
    workingSetBytes: number;
    rssBytes?: number;
    pageFaults?: number;
    majorPageFaults?: number;
  };
}

/** An exec that outlived its timeout (the probe then fails with "command … timed out"). */
export class ExecTimeoutError extends Error {
  constructor(readonly cmd: string[], readonly timeoutMs: number) {
    super(`command ${JSON.stringify(cmd.join(' '))} timed out`);
    this.name = 'ExecTimeoutError';
  }
}

export interface EngineAttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** The process has a terminal: one raw output stream, resizable. */
  tty: boolean;
}

export interface EngineExecOptions extends EngineAttachOptions {
  cmd: string[];
}

/** The streams of an exec or attach; stdout and stderr are already demultiplexed. */
export interface EngineStreams {
  /** end() closes the process's stdin. */
  stdin?: Writable;
  stdout: Readable;
  /** Empty with a tty (the terminal carries both). */
  stderr: Readable;
  resize(width: number, height: number): Promise<void>;
  /** After the output ended: the exec's exit code (attach: the container's, if it exited). */
  exitCode(): Promise<number | undefined>;
  /** Drops the connection (the client went away). */
  close(): void;
}

export interface EngineLogOptions {
  follow: boolean;
  /** The last N lines only. */
  tail?: number;
  /** Unix seconds (fractional): only output written at or after it. */
  since?: number;
  /** Prefix each line with its RFC 3339 (nanosecond) time. */
  timestamps: boolean;
}
