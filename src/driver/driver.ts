// The Driver + Node interfaces: how the cluster layer gets node containers, their network and
// their images, without knowing which container engine is underneath (kind's "provider" shape).
// Only src/driver/docker/ implements them, and only it imports dockerode.

/** Labels every object skiff creates carries, so a profile can be found (and removed) by label. */
export const LABEL_PROFILE = 'skiff.dev/profile';
export const LABEL_ROLE = 'skiff.dev/role';
export const LABEL_NODE = 'skiff.dev/node';

/** Where a node container keeps its state: the node's named volume is mounted here. */
export const NODE_STATE_DIR = '/var/lib/skiff';

export type NodeRole = 'control-plane' | 'worker';

/** The bridge network of one profile (DESIGN "Networking"). */
export interface NetworkInfo {
  name: string;
  /** The whole /12, on-link for every container: service ClusterIPs live in its first /16. */
  subnet: string;
  /** The /14 node (and pod) addresses come from. */
  ipRange: string;
  gateway: string;
}

/** A directory holding a Dockerfile and everything it copies. */
export interface BuildContext {
  /** Image name without tag, such as `skiff-node`; the tag is the context's content hash. */
  repository: string;
  dir: string;
  /** Paths (relative to dir, `/`-separated) left out of both the content hash and what is sent. */
  exclude?: (path: string) => boolean;
}

export interface NodeSpec {
  profile: string;
  /** Node name; also the container's name and hostname. */
  name: string;
  role: NodeRole;
  /** Image tag, as returned by ensureImage. */
  image: string;
  /** Full argv of the node's process. */
  command: string[];
  env?: Record<string, string>;
  /** Static address in the profile's ip-range; the first free one when omitted. */
  ip?: string;
  /** Container TCP ports to publish on 127.0.0.1:<random host port> (the API server's 6443). */
  publish?: number[];
  /** Lets the node add ClusterIPs to its interface (only the control-plane node needs it). */
  netAdmin?: boolean;
  cpus?: number;
  memoryBytes?: number;
  /** Mount the engine's socket so the node's kubelet creates pods as sibling containers (default true). */
  dockerSocket?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type NodeState = 'running' | 'paused' | 'stopped' | 'missing';

/** The streams of an interactive exec (`skiff ssh`): with a TTY, stdout carries both outputs. */
export interface ExecStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Allocate a pseudo-terminal in the node (stdin must then be one too). */
  tty: boolean;
  /** The terminal's size, kept in step when it changes (resize()). */
  size?: { rows: number; columns: number };
  /** Called once the exec runs, with a function that resizes its terminal. */
  onResizable?: (resize: (size: { rows: number; columns: number }) => void) => void;
}

/** An image on the engine the nodes (and so the pods) use. */
export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  /** Unix seconds. */
  created: number;
}

export interface Node {
  readonly name: string;
  readonly profile: string;
  readonly role: NodeRole;
  /** The engine's id of the node's container. */
  readonly id: string;
  start(): Promise<void>;
  /** Stops the node, giving its process `timeoutSeconds` to exit after SIGTERM. State is kept. */
  stop(timeoutSeconds?: number): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  /** Removes the container and its state volume (only the container with `keepState`). */
  remove(options?: { keepState?: boolean }): Promise<void>;
  /** The image and argv the container was created with (a new skiff build means new ones). */
  creation(): Promise<{ image: string; command: string[] }>;
  state(): Promise<NodeState>;
  exec(cmd: string[], opts?: { env?: Record<string, string> }): Promise<ExecResult>;
  /** Runs cmd in the node with the caller's streams attached; resolves with its exit code. */
  execAttached(cmd: string[], streams: ExecStreams): Promise<number>;
  /** Writes the node process's output (stdout and stderr) so far; with follow, until the node stops or signal aborts. */
  logs(out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, opts?: { follow?: boolean; tail?: number; signal?: AbortSignal }): Promise<void>;
  /** The node's static address on its profile network. */
  ip(): Promise<string>;
  /** The host port (on 127.0.0.1) a published container port got; it changes on every start. */
  hostPort(containerPort: number): Promise<number>;
}

export interface Driver {
  readonly name: string;
  /** Throws DockerUnavailableError when the engine is missing or not answering. */
  ping(): Promise<void>;
  ensureNetwork(profile: string): Promise<NetworkInfo>;
  removeNetwork(profile: string): Promise<void>;
  /** Builds the context unless an image tagged with its content hash exists; returns the tag. */
  ensureImage(context: BuildContext): Promise<string>;
  createNode(spec: NodeSpec): Promise<Node>;
  getNode(profile: string, name: string): Promise<Node | undefined>;
  listNodes(profile: string): Promise<Node[]>;
  /** Profiles that have any container, network or volume. */
  listProfiles(): Promise<string[]>;
  /** Removes every container, network and volume labelled with the profile. */
  removeProfile(profile: string): Promise<void>;
  /** Freezes (or thaws) every running container of the profile: its nodes and their pods. Returns how many. */
  pauseProfile(profile: string): Promise<number>;
  unpauseProfile(profile: string): Promise<number>;
  /** Removes the pod containers (and their volumes) a node's kubelet made: they die with the node. */
  removeNodeWorkloads(profile: string, node: string): Promise<void>;
  /** Whether the engine has the image (a name:tag or an id). */
  hasImage(ref: string): Promise<boolean>;
  listImages(): Promise<ImageInfo[]>;
  /** `docker load` of an image tar (as `docker save` writes it); returns the names it loaded. */
  loadImage(tar: NodeJS.ReadableStream): Promise<string[]>;
  /** Builds dir (its Dockerfile) as tag with a tar-fs context; each line of build output goes to onOutput. */
  buildImage(dir: string, tag: string, onOutput: (line: string) => void): Promise<void>;
  /** Removes an image by name or id; NotFound and in-use errors carry the engine's status (404, 409). */
  removeImage(ref: string): Promise<void>;
}

/** Network name of a profile. */
export function networkName(profile: string): string {
  return `skiff-${profile}`;
}

/** Volume that holds a node's state. */
export function volumeName(node: string): string {
  return `${node}-state`;
}
