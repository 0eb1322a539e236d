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
  /** Removes the container and its state volume. */
  remove(): Promise<void>;
  state(): Promise<NodeState>;
  exec(cmd: string[], opts?: { env?: Record<string, string> }): Promise<ExecResult>;
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
}

/** Network name of a profile. */
export function networkName(profile: string): string {
  return `skiff-${profile}`;
}

/** Volume that holds a node's state. */
export function volumeName(node: string): string {
  return `${node}-state`;
}
