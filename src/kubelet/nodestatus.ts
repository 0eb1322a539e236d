// Registers a Node and keeps its status (the kubelet's registerWithAPIServer and
// updateNodeStatus): the conditions are checked every 10 s and written when they changed or a
// minute passed since the last report (lastHeartbeatTime); the Lease is the fast heartbeat.
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import type { Client, EventRecorder, Informer } from '../client/types.js';
import { apiCode, errorText } from './errors.js';
import {
  buildNode,
  conditionsChanged,
  conditionsOf,
  desiredConditions,
  fullStatus,
  kubeletLabels,
  rfc3339,
  stampConditions,
  type NodeConfig,
} from './node.js';

export const STATUS_CHECK_INTERVAL_MS = 10_000;
export const STATUS_REPORT_INTERVAL_MS = 60_000;

export interface NodeReporterOptions {
  client: Client;
  config: NodeConfig;
  /** The shared nodes informer: the cached Node the checks compare against. */
  nodes?: Informer;
  recorder?: EventRecorder;
  checkIntervalMs?: number;
  reportIntervalMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export class NodeReporter {
  private node: KubeObject | undefined;
  private lastReport = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly opts: NodeReporterOptions) {}

  get name(): string {
    return this.opts.config.name;
  }

  get uid(): string | undefined {
    return this.node?.metadata.uid;
  }

  /** The latest Node this reporter knows: the informer's when newer than our last write. */
  current(): KubeObject | undefined {
    const cached = this.opts.nodes?.get(undefined, this.name);
    if (!cached) return this.node;
    if (!this.node || Number(cached.metadata.resourceVersion ?? 0) >= Number(this.node.metadata.resourceVersion ?? 0)) return cached;
    return this.node;
  }

  /** Creates the Node, or adopts the existing one (a restarted agent), then writes its full status. */
  async register(): Promise<KubeObject> {
    const { client, config } = this.opts;
    let node: KubeObject;
    try {
      node = await client.create(Resources.nodes, undefined, buildNode(config));
      this.event('Normal', 'Starting', 'Starting kubelet.');
    } catch (err) {
      if (apiCode(err) !== 409) throw err;
      node = await this.reconcile(await client.get(Resources.nodes, undefined, config.name));
      this.event('Normal', 'Starting', 'Starting kubelet.');
    }
    const wasReady = conditionsOf(node).some((c) => c.type === 'Ready' && c.status === 'True');
    const now = this.now();
    this.node = await this.patchStatus(fullStatus(config, conditionsOf(node), rfc3339(now)));
    this.lastReport = now;
    for (const c of desiredConditions().slice(0, 3)) this.event('Normal', c.reason.replace(/^Kubelet/, 'Node'), `Node ${config.name} status is now: ${c.reason.replace(/^Kubelet/, 'Node')}`);
    this.event('Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    if (!wasReady) this.event('Normal', 'NodeReady', `Node ${config.name} status is now: NodeReady`);
    return this.node;
  }

  /** The kubelet's labels and pod CIDR on an existing Node (user labels and taints stay as they are). */
  private async reconcile(existing: KubeObject): Promise<KubeObject> {
    const { client, config } = this.opts;
    const wanted = kubeletLabels(config.name);
    const labels = existing.metadata.labels ?? {};
    const patch: Record<string, unknown> = {};
    const missing = Object.entries(wanted).filter(([k, v]) => labels[k] !== v);
    if (missing.length > 0) patch.metadata = { labels: Object.fromEntries(missing) };
    const spec = (existing.spec ?? {}) as Record<string, unknown>;
    if (!spec.podCIDR && config.podCidr) patch.spec = { podCIDR: config.podCidr, podCIDRs: [config.podCidr] };
    if (Object.keys(patch).length === 0) return existing;
    return client.patch(Resources.nodes, undefined, config.name, 'merge', patch);
  }

  /** Sets spec.podCIDR (a range chosen again after a clash with another node). */
  async setPodCidr(cidr: string): Promise<void> {
    this.opts.config.podCidr = cidr;
    this.node = await this.opts.client.patch(Resources.nodes, undefined, this.name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
  }

  /** Starts the periodic checks (the first after `firstDelayMs`, to spread many nodes out). */
  start(firstDelayMs = this.opts.checkIntervalMs ?? STATUS_CHECK_INTERVAL_MS): void {
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One check: writes the conditions when they differ or the report is due. Exposed for tests. */
  async check(): Promise<void> {
    const node = this.current();
    if (!node) {
      // The Node was deleted under us: register it again rather than report into the void.
      await this.register();
      return;
    }
    const now = this.now();
    const due = now - this.lastReport >= (this.opts.reportIntervalMs ?? STATUS_REPORT_INTERVAL_MS);
    const desired = desiredConditions();
    const changed = conditionsChanged(desired, conditionsOf(node));
    if (!due && !changed) return;
    try {
      this.node = await this.patchStatus({ conditions: stampConditions(desired, conditionsOf(node), rfc3339(now)) });
      this.lastReport = now;
      const wasReady = conditionsOf(node).some((c) => c.type === 'Ready' && c.status === 'True');
      if (changed && !wasReady) this.event('Normal', 'NodeReady', `Node ${this.name} status is now: NodeReady`);
    } catch (err) {
      if (apiCode(err) === 404) {
        this.node = undefined;
        await this.register();
        return;
      }
      throw err;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.check()
        .catch((err: unknown) => this.opts.log?.(`node ${this.name} status: ${errorText(err)}`))
        .finally(() => {
          this.inFlight = undefined;
          this.schedule(this.opts.checkIntervalMs ?? STATUS_CHECK_INTERVAL_MS);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private patchStatus(status: Record<string, unknown>): Promise<KubeObject> {
    return this.opts.client.patch(Resources.nodes, undefined, this.name, 'merge', { status }, 'status');
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Node events name the node by name, with the name as uid (as the kubelet's nodeRef does). */
  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: this.name, uid: this.name } };
    this.opts.recorder?.event(ref, type, reason, message);
  }
}
