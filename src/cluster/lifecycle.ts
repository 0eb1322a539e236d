// A cluster's life — start, stop, delete, status — as ordered steps sharing a context (kind's
// shape). Each step reports progress through the sink; a failed first start removes what it made.
import https from 'node:https';
import yaml from 'js-yaml';
import { KUBERNETES_VERSION } from '../api/version.js';
import { ApiClient } from '../client/client.js';
import { Resources } from '../client/resources.js';
import type { Driver, NetworkInfo, Node } from '../driver/driver.js';
import { ensureBuilt, prepareNodeImage, prepareSandboxImage } from '../driver/docker/nodeimage.js';
import { runStep, type EventSink } from './progress.js';
import { mergeKubeconfig, removeFromKubeconfig } from './kubeconfig.js';
import { ADMIN_KUBECONFIG, API_SERVER_PORT, NODE_KUBECONFIG, NODE_KUBECONFIG_ENV } from './nodeprocess.js';
import { deleteProfile, profileExists, saveProfile, type Profile } from './profiles.js';

export interface StartOptions {
  profile: string;
  /** Nodes in all, the control-plane node included (default 1). */
  nodes?: number;
  cpus?: number;
  memoryMiB?: number;
  /** Wait for the node to be Ready (default true). */
  wait?: boolean;
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
  { id: 'ready', title: 'Waiting for the nodes to be Ready', run: waitReady },
];

async function createOrFindNode(ctx: StartContext): Promise<void> {
  const { profile } = ctx.options;
  const name = controlPlaneName(profile);
  const existing = await ctx.driver.getNode(profile, name);
  if (existing) {
    ctx.node = existing;
    return;
  }
  ctx.created = true;
  ctx.node = await ctx.driver.createNode({
    profile,
    name,
    role: 'control-plane',
    image: ctx.nodeImage!,
    command: nodeCommand(ctx, 'control-plane', name),
    publish: [API_SERVER_PORT],
    netAdmin: true,
    cpus: ctx.options.cpus,
    memoryBytes: ctx.options.memoryMiB ? ctx.options.memoryMiB * 1024 * 1024 : undefined,
  });
}

function nodeCommand(ctx: StartContext, role: 'control-plane' | 'worker', name: string): string[] {
  return [
    'node', '/skiff/bin/skiff.js', 'run-node', '--role', role, '--name', name, '--profile', ctx.options.profile,
    '--network', ctx.network!.name, '--sandbox-image', ctx.sandboxImage!, '--cluster-cidr', podRangeOf(ctx.network!),
    '--service-cidr', serviceRangeOf(ctx.network!).cidr, '--cluster-dns', serviceRangeOf(ctx.network!).dns,
    ...(ctx.options.cpus ? ['--cpu', String(ctx.options.cpus)] : []),
    ...(ctx.options.memoryMiB ? ['--memory', `${ctx.options.memoryMiB}Mi`] : []),
  ];
}

/** Workers: found again (a restart) or created with the node credential the control plane wrote. */
async function startWorkers(ctx: StartContext): Promise<void> {
  const { profile } = ctx.options;
  const wanted = Math.max(1, ctx.options.nodes ?? 1);
  const existing = (await ctx.driver.listNodes(profile)).filter((n) => n.role === 'worker');
  let credential: string | undefined;
  for (let i = 2; i <= wanted; i++) {
    const name = workerName(profile, i);
    if (existing.some((n) => n.name === name)) continue;
    credential ??= await readNodeFile(ctx.node!, NODE_KUBECONFIG);
    existing.push(await ctx.driver.createNode({
      profile,
      name,
      role: 'worker',
      image: ctx.nodeImage!,
      command: nodeCommand(ctx, 'worker', name),
      env: { [NODE_KUBECONFIG_ENV]: Buffer.from(credential).toString('base64') },
      cpus: ctx.options.cpus,
      memoryBytes: ctx.options.memoryMiB ? ctx.options.memoryMiB * 1024 * 1024 : undefined,
    }));
  }
  ctx.workers = existing;
  await Promise.all(existing.map((n) => n.start()));
}

/** A file from a node's state volume (the node image has no shell: node reads it). */
async function readNodeFile(node: Node, path: string): Promise<string> {
  const r = await node.exec(['node', '-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(path)},'utf8'))`]);
  if (r.code !== 0) throw new Error(`failed to read ${path} on node ${node.name}: ${r.stderr.trim()}`);
  return r.stdout;
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
  const doc = yaml.load(text) as { clusters: { cluster: Record<string, string> }[]; users: { user: { token: string } }[] };
  const caPem = Buffer.from(doc.clusters[0]!.cluster['certificate-authority-data']!, 'base64').toString('utf8');
  ctx.kubeconfig = { caPem, token: doc.users[0]!.user.token };
  await mergeKubeconfig({ name: ctx.options.profile, server: ctx.server!, caPem, token: ctx.kubeconfig.token });
}

async function waitReady(ctx: StartContext): Promise<void> {
  if (ctx.options.wait === false) return;
  const client = new ApiClient({ server: ctx.server!, caPem: ctx.kubeconfig!.caPem, token: ctx.kubeconfig!.token, userAgent: 'skiff' });
  try {
    const names = [controlPlaneName(ctx.options.profile), ...ctx.workers.map((w) => w.name)];
    await poll(`nodes ${names.join(', ')} to be Ready`, ctx.options.waitTimeoutMs ?? 60_000, async () => {
      const list = await client.list(Resources.nodes);
      const ready = (name: string) => ((list.items.find((n) => n.metadata.name === name)?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [])
        .some((c) => c.type === 'Ready' && c.status === 'True');
      return names.every(ready) || undefined;
    });
  } finally {
    client.close();
  }
}

/** `skiff start`: creates the profile's cluster, or starts it again with everything it had. */
export async function startCluster(driver: Driver, sink: EventSink, options: StartOptions): Promise<StartResult> {
  const started = performance.now();
  const ctx: StartContext = { driver, sink, options, created: false, workers: [] };
  const fresh = !profileExists(options.profile);
  try {
    for (const step of START_STEPS) await runStep(sink, step.id, step.title, () => step.run(ctx));
  } catch (err) {
    // A first start that failed leaves nothing behind; a restart keeps the cluster's state.
    if (fresh && ctx.created) await driver.removeProfile(options.profile).catch(() => {});
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
    addons: {},
    createdAt: new Date().toISOString(),
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
  for (const node of nodes) await runStep(sink, `stop-${node.name}`, `Stopping node ${node.name}`, () => node.stop(30));
  return nodes.length;
}

/** `skiff delete`: every container, network and volume of the profile, its kubeconfig entries and its record. */
export async function deleteCluster(driver: Driver, sink: EventSink, profile: string): Promise<void> {
  await runStep(sink, 'remove', `Removing the containers, network and volumes of ${profile}`, () => driver.removeProfile(profile));
  await runStep(sink, 'kubeconfig', 'Removing it from kubectl\'s config', () => removeFromKubeconfig(profile));
  deleteProfile(profile);
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
      status.apiServer = state === 'running' && (await readyz(await node.hostPort(API_SERVER_PORT)).catch(() => false)) ? 'Running' : 'Stopped';
    }
    return status;
  }));
}

/** `skiff node list` and `skiff ip`: each node's name, role and address on the profile network. */
export async function listClusterNodes(driver: Driver, profile: string): Promise<{ name: string; role: string; ip: string }[]> {
  const nodes = await driver.listNodes(profile);
  return Promise.all(nodes.map(async (n) => ({ name: n.name, role: n.role, ip: await n.ip() })));
}

/** /readyz is public (system:public-info-viewer); the certificate is checked later by kubectl itself. */
function readyz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
