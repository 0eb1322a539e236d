// A cluster's life — start, stop, delete, status — as ordered steps sharing a context (kind's
// shape). Each step reports progress through the sink; a failed first start removes what it made.
import https from 'node:https';
import { KUBERNETES_VERSION } from '../api/version.js';
import { ApiClient } from '../client/client.js';
import { Resources } from '../client/resources.js';
import type { Driver, NetworkInfo, Node, NodeSpec } from '../driver/driver.js';
import { ensureBuilt, prepareNodeImage, prepareSandboxImage } from '../driver/docker/nodeimage.js';
import { parseAdminKubeconfig, readNodeFile, saveAdminCredential } from './access.js';
import { stopHostProxies } from './hostproxy.js';
import { runStep, type EventSink } from './progress.js';
import { mergeKubeconfig, removeFromKubeconfig } from './kubeconfig.js';
import { ADMIN_KUBECONFIG, API_SERVER_PORT, NODE_KUBECONFIG, NODE_KUBECONFIG_ENV } from './nodeconsts.js';
import { deleteProfile, loadProfile, profileExists, saveProfile, type Profile, type StatusHint } from './profiles.js';

export interface StartOptions {
  profile: string;
  /** Nodes in all, the control-plane node included (default 1). */
  nodes?: number;
  cpus?: number;
  memoryMiB?: number;
  /** Wait for the node to be Ready (default true). */
  wait?: boolean;
  /** Addons to enable (the addons issue runs them; start records the wish in the profile). */
  addons?: string[];
  waitTimeoutMs?: number;
}

interface StartContext {
  driver: Driver;
  sink: EventSink;
  options: StartOptions;
  created: boolean;
  nodeImage?: string;
  sandboxImage?: string;
  network?: NetworkInfo;
  node?: Node;
  server?: string;
  kubeconfig?: { caPem: string; token: string };
  workers: Node[];
}

export interface StartResult {
  profile: string;
  server: string;
  ms: number;
}

/** The control-plane node's name is the profile's, as minikube's is. */
export function controlPlaneName(profile: string): string {
  return profile;
}

/** Worker names follow minikube's: <profile>-m02, <profile>-m03 … */
export function workerName(profile: string, index: number): string {
  return `${profile}-m${String(index).padStart(2, '0')}`;
}

/**
 * Services take the first /16 of the profile's /12 (10.96.0.0/16 for the first profile), which is
 * on-link for every container of the profile; kube-dns is its .10, as upstream's default.
 */
export function serviceRangeOf(network: NetworkInfo): { cidr: string; dns: string } {
  const [a, b] = network.subnet.split('.');
  return { cidr: `${a}.${b}.0.0/16`, dns: `${a}.${b}.0.10` };
}

/** Pods take /24s from the second /16 of the profile's node range (10.101.0.0/16 for the first). */
export function podRangeOf(network: NetworkInfo): string {
  const [a, b] = network.ipRange.split('.');
  return `${a}.${Number(b) + 1}.0.0/16`;
}

type Step = { id: string; title: string; run(ctx: StartContext): Promise<void> };

const START_STEPS: Step[] = [
  { id: 'engine', title: 'Checking the Docker engine', run: (ctx) => ctx.driver.ping() },
  {
    id: 'images', title: 'Preparing the node images', run: async (ctx) => {
      [ctx.nodeImage, ctx.sandboxImage] = await Promise.all([ensureBuilt(ctx.driver, prepareNodeImage), ensureBuilt(ctx.driver, prepareSandboxImage)]);
    },
  },
  { id: 'network', title: 'Creating the network', run: async (ctx) => { ctx.network = await ctx.driver.ensureNetwork(ctx.options.profile); } },
  { id: 'node', title: 'Creating the control-plane node', run: createOrFindNode },
  { id: 'boot', title: 'Starting the control plane', run: bootNode },
  { id: 'kubeconfig', title: 'Configuring kubectl', run: configureKubectl },
  { id: 'workers', title: 'Starting the worker nodes', run: startWorkers },
  { id: 'ready', title: 'Waiting for the nodes and system pods to be Ready', run: waitReady },
];

async function createOrFindNode(ctx: StartContext): Promise<void> {
  const { profile } = ctx.options;
  const spec: NodeSpec = { ...nodeSpec(planOf(ctx), 'control-plane', controlPlaneName(profile)), publish: [API_SERVER_PORT], netAdmin: true };
  const existing = await ctx.driver.getNode(profile, spec.name);
  if (!existing) ctx.created = true;
  ctx.node = await createOrKeep(ctx.driver, existing, spec);
}

/**
 * A node container is made once and started again on every `start`, unless this skiff built a
 * different node image or runs nodes with other arguments (an upgrade, new sizes): then the
 * container is made anew on the same address, over the same state volume, so the cluster keeps
 * its objects and its pods come back. `complete` adds what only a new container needs (a
 * worker's credential, read from the control-plane node), so a plain restart does not fetch it.
 */
async function createOrKeep(driver: Driver, existing: Node | undefined, spec: NodeSpec, complete = async (s: NodeSpec) => s): Promise<Node> {
  if (!existing) return driver.createNode(await complete(spec));
  const was = await existing.creation();
  if (was.image === spec.image && JSON.stringify(was.command) === JSON.stringify(spec.command)) return existing;
  const ip = await existing.ip();
  await existing.stop(30);
  await existing.remove({ keepState: true });
  return driver.createNode({ ...(await complete(spec)), ip });
}

/** What every node of a profile is made from: its network, images and resource limits. */
export interface NodePlan {
  profile: string;
  network: NetworkInfo;
  nodeImage: string;
  sandboxImage: string;
  cpus?: number;
  memoryMiB?: number;
}

function planOf(ctx: StartContext): NodePlan {
  return {
    profile: ctx.options.profile, network: ctx.network!, nodeImage: ctx.nodeImage!, sandboxImage: ctx.sandboxImage!,
    cpus: ctx.options.cpus, memoryMiB: ctx.options.memoryMiB,
  };
}

function nodeCommand(plan: NodePlan, role: 'control-plane' | 'worker', name: string): string[] {
  return [
    // A 1 MiB young generation (V8's default is 16 MiB per semi-space): node processes allocate
    // little at a time, and each node container is 10–30 MiB smaller for it (bench/start).
    'node', '--max-semi-space-size=1', '/skiff/bin/skiff.js', 'run-node', '--role', role, '--name', name, '--profile', plan.profile,
    '--network', plan.network.name, '--sandbox-image', plan.sandboxImage, '--cluster-cidr', podRangeOf(plan.network),
    '--service-cidr', serviceRangeOf(plan.network).cidr, '--cluster-dns', serviceRangeOf(plan.network).dns,
    ...(plan.cpus ? ['--cpu', String(plan.cpus)] : []),
    ...(plan.memoryMiB ? ['--memory', `${plan.memoryMiB}Mi`] : []),
  ];
}

/** The container of one node of the plan: its image, its process's argv and its sizes. */
function nodeSpec(plan: NodePlan, role: 'control-plane' | 'worker', name: string): NodeSpec {
  return {
    profile: plan.profile,
    name,
    role,
    image: plan.nodeImage,
    command: nodeCommand(plan, role, name),
    cpus: plan.cpus,
    memoryBytes: plan.memoryMiB ? plan.memoryMiB * 1024 * 1024 : undefined,
  };
}

/** A worker is handed the node credential the control plane wrote, in its environment. */
function withCredential(spec: NodeSpec, credential: string): NodeSpec {
  return { ...spec, env: { [NODE_KUBECONFIG_ENV]: Buffer.from(credential).toString('base64') } };
}

/** A worker node container (created, not started), given the node credential the control plane wrote. */
export async function createWorker(driver: Driver, plan: NodePlan, name: string, credential: string): Promise<Node> {
  return driver.createNode(withCredential(nodeSpec(plan, 'worker', name), credential));
}

/** Workers: found again (a restart, remade if outdated) or created, then started. */
async function startWorkers(ctx: StartContext): Promise<void> {
  const { profile } = ctx.options;
  const wanted = Math.max(1, ctx.options.nodes ?? 1);
  const existing = (await ctx.driver.listNodes(profile)).filter((n) => n.role === 'worker');
  const names = [...new Set([...existing.map((n) => n.name), ...Array.from({ length: wanted - 1 }, (_, i) => workerName(profile, i + 2))])];
  let credential: Promise<string> | undefined;
  const complete = async (spec: NodeSpec) => withCredential(spec, await (credential ??= readNodeFile(ctx.node!, NODE_KUBECONFIG)));
  ctx.workers = [];
  for (const name of names) {
    ctx.workers.push(await createOrKeep(ctx.driver, existing.find((n) => n.name === name), nodeSpec(planOf(ctx), 'worker', name), complete));
  }
  await Promise.all(ctx.workers.map((n) => n.start()));
}

async function bootNode(ctx: StartContext): Promise<void> {
  await ctx.node!.start();
  const port = await ctx.node!.hostPort(API_SERVER_PORT);
  ctx.server = `https://127.0.0.1:${port}`;
  await poll('the API server to answer /readyz', ctx.options.waitTimeoutMs ?? 60_000, async () => (await readyz(port)) || undefined);
}

async function configureKubectl(ctx: StartContext): Promise<void> {
  // The control plane wrote the admin kubeconfig into its state volume once it served.
  const text = await poll('the admin kubeconfig', 30_000, async () => {
    const t = await readNodeFile(ctx.node!, ADMIN_KUBECONFIG);
    return t.includes('token') ? t : undefined;
  });
  ctx.kubeconfig = parseAdminKubeconfig(text);
  const { caPem } = ctx.kubeconfig;
  saveAdminCredential(ctx.options.profile, ctx.server!, ctx.kubeconfig);
  await mergeKubeconfig({ name: ctx.options.profile, server: ctx.server!, caPem, token: ctx.kubeconfig.token });
}

async function waitReady(ctx: StartContext): Promise<void> {
  if (ctx.options.wait === false) return;
  const client = new ApiClient({ server: ctx.server!, caPem: ctx.kubeconfig!.caPem, token: ctx.kubeconfig!.token, userAgent: 'skiff' });
  try {
    const nodes = [controlPlaneName(ctx.options.profile), ...ctx.workers.map((w) => w.name)];
    await waitNodesReady(client, nodes, ctx.options.waitTimeoutMs ?? 60_000);
    await waitSystemPods(client, nodes, ctx.options.waitTimeoutMs ?? 60_000);
  } finally {
    client.close();
  }
}

/** Polls the API until every named Node has Ready=True. */
export async function waitNodesReady(client: ApiClient, names: string[], timeoutMs: number): Promise<void> {
  await poll(`nodes ${names.join(', ')} to be Ready`, timeoutMs, async () => {
    const list = await client.list(Resources.nodes);
    const ready = (name: string) => ((list.items.find((n) => n.metadata.name === name)?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [])
      .some((c) => c.type === 'Ready' && c.status === 'True');
    return names.every(ready) || undefined;
  });
}

const CONTROL_PLANE_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/**
 * minikube's `--wait` default (apiserver, system_pods): the control plane's mirror pods on the
 * first node and a kube-proxy on every node are Running, so `kubectl get pods -n kube-system`
 * shows them the moment start returns.
 */
export async function waitSystemPods(client: ApiClient, nodes: string[], timeoutMs: number): Promise<void> {
  await poll('the kube-system pods to run', timeoutMs, async () => {
    const pods = (await client.list(Resources.pods, 'kube-system')).items;
    const running = (labels: Record<string, string>, node: string) => pods.some((p) =>
      (p.spec as { nodeName?: string } | undefined)?.nodeName === node && (p.status as { phase?: string } | undefined)?.phase === 'Running' &&
      Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
    const controlPlane = CONTROL_PLANE_COMPONENTS.every((component) => running({ component }, nodes[0]!));
    return (controlPlane && nodes.every((node) => running({ 'k8s-app': 'kube-proxy' }, node))) || undefined;
  });
}

/** `skiff start`: creates the profile's cluster, or starts it again with everything it had. */
export async function startCluster(driver: Driver, sink: EventSink, options: StartOptions): Promise<StartResult> {
  const started = performance.now();
  const ctx: StartContext = { driver, sink, options, created: false, workers: [] };
  const fresh = !profileExists(options.profile);
  const before = fresh ? undefined : loadProfile(options.profile);
  try {
    for (const step of START_STEPS) await runStep(sink, step.id, step.title, () => step.run(ctx));
  } catch (err) {
    // A first start that failed leaves nothing behind; a restart keeps the cluster's state.
    if (fresh && ctx.created) await driver.removeProfile(options.profile).catch(() => {});
    if (fresh) deleteProfile(options.profile); // the admin credential it may have kept

    throw err;
  }
  const profile: Profile = {
    name: options.profile,
    driver: 'docker',
    nodes: [
      { name: controlPlaneName(options.profile), role: 'control-plane', ip: await ctx.node!.ip() },
      ...(await Promise.all(ctx.workers.map(async (w) => ({ name: w.name, role: 'worker' as const, ip: await w.ip() })))),
    ],
    apiServer: { hostPort: Number(new URL(ctx.server!).port) },
    kubernetesVersion: KUBERNETES_VERSION.gitVersion,
    addons: { ...before?.addons, ...Object.fromEntries((options.addons ?? []).map((a) => [a, true])) },
    createdAt: before?.createdAt ?? new Date().toISOString(),
    cpus: options.cpus,
    memoryMiB: options.memoryMiB,
    status: { lastKnown: 'Running', at: new Date().toISOString() },
  };
  saveProfile(profile);
  const ms = Math.round(performance.now() - started);
  sink.emit({ type: 'done', ms });
  return { profile: options.profile, server: ctx.server!, ms };
}

/** `skiff stop`: stops every node; state stays in their volumes. */
export async function stopCluster(driver: Driver, sink: EventSink, profile: string): Promise<number> {
  const nodes = await driver.listNodes(profile);
  await stopHostProxies(profile);
  // A frozen process cannot act on SIGTERM: thaw a paused cluster so its nodes stop cleanly.
  if (nodes.length > 0) await driver.unpauseProfile(profile);
  for (const node of nodes) await runStep(sink, `stop-${node.name}`, `Stopping node ${node.name}`, () => node.stop(30));
  markStatus(profile, 'Stopped');
  return nodes.length;
}

/** `skiff delete`: every container, network and volume of the profile, its kubeconfig entries and its record. */
export async function deleteCluster(driver: Driver, sink: EventSink, profile: string): Promise<void> {
  await stopHostProxies(profile);
  await runStep(sink, 'remove', `Removing the containers, network and volumes of ${profile}`, () => driver.removeProfile(profile));
  await runStep(sink, 'kubeconfig', 'Removing it from kubectl\'s config', () => removeFromKubeconfig(profile));
  deleteProfile(profile);
}

/** Records what skiff last saw (profile list reads it); a profile with no readable record is left alone. */
export function markStatus(profile: string, lastKnown: StatusHint): void {
  if (!profileExists(profile)) return;
  try {
    saveProfile({ ...loadProfile(profile), status: { lastKnown, at: new Date().toISOString() } });
  } catch {
    // An unreadable record is `profile list`'s to report, not a reason to fail stop or pause.
  }
}

export interface NodeStatus {
  name: string;
  role: string;
  host: string;
  apiServer?: string;
}

/** `skiff status`: each node's container state and, on the control plane, whether the API server answers. */
export async function clusterStatus(driver: Driver, profile: string): Promise<NodeStatus[]> {
  const nodes = await driver.listNodes(profile);
  return Promise.all(nodes.map(async (node) => {
    const state = await node.state();
    const status: NodeStatus = { name: node.name, role: node.role, host: state === 'running' ? 'Running' : state === 'paused' ? 'Paused' : 'Stopped' };
    if (node.role === 'control-plane') {
      // minikube's words: a paused control plane is "apiserver: Paused", not Stopped.
      status.apiServer = state === 'paused' ? 'Paused' : state === 'running' && (await readyz(await node.hostPort(API_SERVER_PORT)).catch(() => false)) ? 'Running' : 'Stopped';
    }
    return status;
  }));
}

/**
 * One word for a whole profile, as minikube's `profile list` says it: Running, Paused, Stopped,
 * Degraded (some nodes or the API server down), Nonexistent (no node container left), or Unknown
 * when the engine cannot tell.
 */
export async function profileStatus(driver: Driver, profile: string): Promise<string> {
  let nodes: NodeStatus[];
  try {
    nodes = await clusterStatus(driver, profile);
  } catch {
    return 'Unknown';
  }
  if (nodes.length === 0) return 'Nonexistent'; // minikube's word for a host whose container is gone
  const states = nodes.flatMap((n) => [n.host, ...(n.apiServer ? [n.apiServer] : [])]);
  if (states.every((s) => s === 'Running')) return 'Running';
  if (states.every((s) => s === 'Stopped')) return 'Stopped';
  if (states.some((s) => s === 'Paused')) return 'Paused';
  return 'Degraded';
}

/** `skiff node list` and `skiff ip`: each node's name, role and address on the profile network. */
export async function listClusterNodes(driver: Driver, profile: string): Promise<{ name: string; role: string; ip: string }[]> {
  const nodes = await driver.listNodes(profile);
  return Promise.all(nodes.map(async (n) => ({ name: n.name, role: n.role, ip: await n.ip() })));
}

/** /readyz is public (system:public-info-viewer); the certificate is checked later by kubectl itself. */
export function readyz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
