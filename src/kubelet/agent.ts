// The node agent: registers one Node (or `count` hollow ones in one process), heartbeats their
// Leases and runs the pods bound to them. All nodes of a process share ONE pods informer (indexed
// by spec.nodeName) and ONE nodes informer, so a hundred hollow nodes cost two watches.
import { isMirrorPod } from './mirrorpods.js';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { ApiClient } from '../client/client.js';
import { createEventRecorder, type FlushableEventRecorder } from '../client/events.js';
import { SharedInformer } from '../client/informer.js';
import { Resources } from '../client/resources.js';
import type { Client, Informer } from '../client/types.js';
import { errorText } from './errors.js';
import { FakeRuntime } from './fake/runtime.js';
import { KubeletServer } from './server/server.js';
import { IpAllocator, pickPodCidr } from './ipam.js';
import { KeyedRunner } from './keyed.js';
import { LeaseRenewer, RENEW_INTERVAL_MS } from './lease.js';
import { KUBERNETES_VERSION } from '../api/version.js';
import { readKubeconfig } from '../client/client.js';
import { defaultNodeIp, goArch, KUBELET_PORT, type NodeConfig, type Taint } from './node.js';
import { NodeReporter, STATUS_CHECK_INTERVAL_MS } from './nodestatus.js';
import { PodSyncer, type SyncScheduler } from './pods.js';
import { DockerRuntime, type DockerRuntimeOptions } from './docker/runtime.js';
import { ApiPodObjects } from './podobjects.js';
import { ProbeManager } from './probemanager.js';
import { FakeProber, type Prober } from './prober.js';
import { processUsage, RuntimeSummaryProvider, type SummaryProvider } from './stats/summary.js';
import type { Runtime } from './runtime.js';

export type { Taint } from './node.js';

export interface AgentOptions {
  kubeconfig: string;
  nodeName: string;
  /** fake: hollow pods; docker: pods as containers on the engine `docker` describes. */
  runtime: 'fake' | 'docker';
  docker?: Omit<DockerRuntimeOptions, 'nodeName'>;
  /** Runs NAME-0 … NAME-(count-1) in this process. */
  count?: number;
  cpu?: string;
  memory?: string;
  pods?: number | string;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** The node's pod range (one node only); otherwise a free /24 of `clusterCidr` is chosen. */
  podCidr?: string;
  clusterCidr?: string;
  /** The node's InternalIP (default: this host's first non-loopback IPv4). */
  nodeIp?: string;
  /** Parallel pod syncs across all nodes of the process. */
  concurrency?: number;
  log?: (message: string) => void;
  /** An API client to use instead of reading `kubeconfig` (tests). */
  client?: Client;
  /** The kubelet server's port (logs, exec, attach, port-forward); 0 picks a free one. Default 10250. */
  kubeletPort?: number;
  /** The CA of the API server's client certificate (default: the kubeconfig's certificate-authority-data). */
  clientCaPem?: string;
}

export interface RunningAgent {
  readonly nodeNames: string[];
  stop(): Promise<void>;
}

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
/** How long registration waits before checking that no other agent took the same pod range. */
const CIDR_SETTLE_MS = 500;

interface NodeUnit {
  name: string;
  config: NodeConfig;
  reporter: NodeReporter;
  lease: LeaseRenewer;
  runtime: Runtime;
  syncer?: PodSyncer;
  prober?: Prober;
}

export function nodeNames(base: string, count?: number): string[] {
  if (count === undefined || count <= 1) return count === 1 ? [`${base}-0`] : [base];
  return Array.from({ length: count }, (_, i) => `${base}-${i}`);
}

function nodeConfig(name: string, options: AgentOptions, runtimeVersion: string, bootID: string): NodeConfig {
  return {
    name,
    cpu: options.cpu ?? '4',
    memory: options.memory ?? '8Gi',
    pods: String(options.pods ?? 110),
    ephemeralStorage: options.ephemeralStorage ?? '100Gi',
    labels: { ...(options.labels ?? {}) },
    taints: options.taints ?? [],
    hostIP: options.nodeIp ?? defaultNodeIp(),
    runtimeVersion,
    bootID,
  };
}

function podCidrOf(node: KubeObject | undefined): string | undefined {
  const cidr = (node?.spec as { podCIDR?: unknown } | undefined)?.podCIDR;
  return typeof cidr === 'string' && cidr !== '' ? cidr : undefined;
}

/** (creationTimestamp, name): the older node keeps a range two agents both picked. */
function older(a: KubeObject, b: KubeObject): boolean {
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  return ta !== tb ? ta < tb : String(a.metadata.name) < String(b.metadata.name);
}

function newRuntime(options: AgentOptions, nodeName: string): Runtime {
  if (options.runtime === 'fake') return new FakeRuntime();
  if (!options.docker) throw new Error('the docker runtime needs its engine, network and sandbox image');
  return new DockerRuntime({ ...options.docker, nodeName });
}

export async function runAgent(options: AgentOptions): Promise<RunningAgent> {
  if (options.runtime !== 'fake' && options.runtime !== 'docker') throw new Error(`unknown runtime "${String(options.runtime)}"`);
  const names = nodeNames(options.nodeName, options.count);
  if (options.runtime === 'docker' && names.length > 1) throw new Error('--count runs hollow nodes: it needs --runtime fake');
  if (options.podCidr && names.length > 1) throw new Error('--pod-cidr names one node\'s range; with --count each node picks its own');
  const log = options.log ?? ((m: string) => process.stderr.write(`skiff agent: ${m}\n`));
  const ownClient = options.client ? undefined : ApiClient.fromKubeconfig(options.kubeconfig, `kubelet/${KUBERNETES_VERSION.gitVersion} (linux/${goArch()}) skiff`);
  const client: Client = options.client ?? ownClient!;
  // Events go through a client of their own, as the kubelet's --event-qps client does: a burst of
  // them (three per started container) must not queue ahead of pod status writes.
  const eventClient = options.client ? undefined : ApiClient.fromKubeconfig(options.kubeconfig, `kubelet/${KUBERNETES_VERSION.gitVersion} (linux/${goArch()}) skiff`);

  const nodesInformer: Informer = new SharedInformer(client, Resources.nodes, {});
  const podsInformer: Informer = new SharedInformer(client, Resources.pods, names.length === 1 ? { fieldSelector: `spec.nodeName=${names[0]}` } : {});
  podsInformer.addIndex('nodeName', (p) => [String((p.spec as { nodeName?: unknown } | undefined)?.nodeName ?? '')]);
  await nodesInformer.start();

  // The kubelet server comes first: every Node reports its port at registration.
  const units = new Map<string, NodeUnit>();
  // Set once the node's runtime exists (before any request can reach the server: the Node that
  // names its port is registered after).
  let stats: SummaryProvider | undefined;
  const server = new KubeletServer({
    port: options.kubeletPort ?? KUBELET_PORT,
    clientCaPem: options.clientCaPem ?? clientCaOf(options.kubeconfig),
    names: [...new Set([options.nodeIp ?? defaultNodeIp(), ...names, 'localhost', '127.0.0.1'])],
    lookup: (namespace, name) => {
      const pod = podsInformer.get(namespace, name);
      const nodeName = (pod?.spec as { nodeName?: unknown } | undefined)?.nodeName;
      const unit = typeof nodeName === 'string' ? units.get(nodeName) : undefined;
      return pod && unit ? { pod, runtime: unit.runtime } : undefined;
    },
    stats: names.length === 1 ? { summary: () => (stats ? stats.summary() : Promise.reject(new Error('the node is not registered yet'))) } : undefined,
    log,
  });
  let kubeletPort: number;
  try {
    kubeletPort = await server.start();
  } catch (err) {
    nodesInformer.stop();
    throw new Error(`start the kubelet server on port ${options.kubeletPort ?? KUBELET_PORT}: ${errorText(err)}`);
  }

  const bootID = randomUUID();
  const recorders: FlushableEventRecorder[] = [];
  for (const name of names) {
    const runtime = newRuntime(options, name);
    const config = { ...nodeConfig(name, options, await runtime.version(), bootID), kubeletPort };
    const recorder = createEventRecorder(eventClient ?? client, 'kubelet', name, { log });
    recorders.push(recorder);
    const reporter = new NodeReporter({ client, config, nodes: nodesInformer, recorder, log });
    const lease = new LeaseRenewer({ client, nodeName: name, nodeUid: () => reporter.uid, log });
    units.set(name, { name, config, reporter, lease, runtime });
  }
  // One kubelet server cannot tell hollow nodes apart: stats are served for a single node only.
  // The node's own usage is the node container's when the runtime measures it (the agent runs in
  // one), else the agent process's own.
  if (names.length === 1) {
    stats = new RuntimeSummaryProvider({ nodeName: names[0]!, runtime: units.get(names[0]!)!.runtime, startTime: Date.now() - process.uptime() * 1000, ownUsage: processUsage });
  }

  await registerAll(units, nodesInformer, options, client);

  // One runner for every node's pods: keys are pod uids, routed to the syncer that owns them.
  const owner = new Map<string, PodSyncer>();
  const runner = new KeyedRunner(
    async (uid) => {
      const syncer = owner.get(uid);
      if (syncer) await syncer.sync(uid);
      if (syncer && !syncer.has(uid)) owner.delete(uid);
    },
    options.concurrency ?? 32,
    (uid, err) => {
      log(`pod ${uid}: ${errorText(err)}`);
      runner.enqueueAfter(uid, 1000);
    },
  );
  const scheduler: SyncScheduler = runner;
  // Real pods read ConfigMaps, Secrets, Services and tokens from the API, and run real probes;
  // hollow pods need neither (a hundred hollow nodes would only multiply the requests).
  const real = options.runtime === 'docker';
  const servicesInformer: Informer | undefined = real ? new SharedInformer(client, Resources.services, {}) : undefined;
  if (servicesInformer) await servicesInformer.start();
  const objects = real ? new ApiPodObjects(client, servicesInformer) : undefined;
  let i = 0;
  for (const unit of units.values()) {
    const recorder = recorders[i++];
    const runtime = unit.runtime;
    unit.prober = real
      ? new ProbeManager({ exec: runtime.execSync?.bind(runtime), recorder, onChange: (uid) => runner.enqueue(uid) })
      : new FakeProber();
    unit.syncer = new PodSyncer({
      nodeName: unit.name,
      hostIP: unit.config.hostIP,
      client,
      runtime,
      prober: unit.prober,
      ips: new IpAllocator(unit.config.podCidr!),
      scheduler,
      recorder,
      objects,
      allocatable: { cpu: unit.config.cpu, memory: unit.config.memory, 'ephemeral-storage': unit.config.ephemeralStorage },
      log,
    });
  }

  const route = (pod: KubeObject, gone: boolean): void => {
    const nodeName = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
    const syncer = typeof nodeName === 'string' ? units.get(nodeName)?.syncer : undefined;
    const uid = pod.metadata.uid;
    if (!syncer || !uid) return; // another node's pod, or not scheduled yet
    if (isMirrorPod(pod)) return; // the API's view of a static pod another process runs
    owner.set(uid, syncer);
    if (gone) syncer.remove(pod);
    else syncer.upsert(pod);
  };
  // A restarted agent: the addresses of the pods still running are claimed before any pod syncs.
  for (const unit of units.values()) await unit.syncer!.reserveRunningSandboxes();
  podsInformer.addEventHandler({
    add: (p) => route(p, false),
    update: (_old, p) => route(p, false),
    delete: (p) => route(p, true),
  });
  await podsInformer.start();
  // Every pod bound to the node is known now: what runs of the others is removed.
  for (const unit of units.values()) {
    unit.syncer!.removeOrphans().catch((err: unknown) => log(`remove orphaned pods of node ${unit.name}: ${errorText(err)}`));
  }

  // Heartbeats, spread over their intervals so many nodes do not renew in lockstep.
  i = 0;
  for (const unit of units.values()) {
    const spread = names.length > 1 ? Math.floor((i++ / names.length) * RENEW_INTERVAL_MS) : 0;
    await (spread === 0 ? unit.lease.start() : unit.lease.start(spread));
    unit.reporter.start(STATUS_CHECK_INTERVAL_MS + spread);
  }

  let stopped: Promise<void> | undefined;
  return {
    nodeNames: names,
    stop(): Promise<void> {
      stopped ??= (async () => {
        // A stopped kubelet leaves its Node and pods in place; only its heartbeats end.
        await Promise.all([...units.values()].flatMap((u) => [u.lease.stop(), u.reporter.stop()]));
        podsInformer.stop();
        nodesInformer.stop();
        await server.stop();
        servicesInformer?.stop();
        await runner.stop();
        for (const u of units.values()) {
          u.prober?.close?.();
          u.syncer?.close();
          await u.runtime.close();
        }
        // Events already recorded still go out, but a slow server does not hold the exit.
        await Promise.race([Promise.all(recorders.map((r) => r.flush())), new Promise((r) => setTimeout(r, 2000).unref())]);
        ownClient?.close();
        eventClient?.close();
      })();
      return stopped;
    },
  };
}

/** The cluster CA from the agent's kubeconfig; empty (every client refused) when it has none. */
function clientCaOf(kubeconfig: string): string {
  try {
    return readKubeconfig(kubeconfig).caPem;
  } catch {
    return '';
  }
}

/**
 * Registers every node with a pod range: its own (kept across restarts), the one asked for, or
 * the lowest free /24. Agents started together may pick the same range; after a short wait the
 * younger node of a clashing pair picks again, before any pod gets an IP.
 */
async function registerAll(units: Map<string, NodeUnit>, nodes: Informer, options: AgentOptions, client: Client): Promise<void> {
  const clusterCidr = options.clusterCidr ?? DEFAULT_CLUSTER_CIDR;
  const taken = new Set(nodes.list().filter((n) => !units.has(n.metadata.name!)).map(podCidrOf).filter((c): c is string => !!c));
  const picked = new Set<string>();
  let chosen = false;
  for (const unit of units.values()) {
    const own = podCidrOf(nodes.get(undefined, unit.name));
    const cidr = own ?? options.podCidr ?? pickPodCidr(clusterCidr, [...taken, ...picked]);
    chosen ||= own === undefined && options.podCidr === undefined;
    unit.config.podCidr = cidr;
    picked.add(cidr);
  }
  await Promise.all([...units.values()].map((u) => u.reporter.register()));
  const needsCheck = chosen;
  for (let round = 0; needsCheck && round < 10; round++) {
    await new Promise((r) => setTimeout(r, CIDR_SETTLE_MS));
    const all = (await client.list(Resources.nodes)).items;
    const moved = await resolveClashes(units, all, clusterCidr);
    if (!moved) return;
  }
}

/** Moves each of our nodes that shares its range with an older node; true when one moved. */
async function resolveClashes(units: Map<string, NodeUnit>, all: KubeObject[], clusterCidr: string): Promise<boolean> {
  let moved = false;
  const used = new Set(all.map(podCidrOf).filter((c): c is string => !!c));
  for (const unit of units.values()) {
    const mine = all.find((n) => n.metadata.name === unit.name);
    const cidr = unit.config.podCidr;
    if (!mine || !cidr) continue;
    const clash = all.some((n) => n.metadata.name !== unit.name && podCidrOf(n) === cidr && older(n, mine));
    if (!clash) continue;
    const next = pickPodCidr(clusterCidr, used);
    used.add(next);
    await unit.reporter.setPodCidr(next);
    moved = true;
  }
  return moved;
}
