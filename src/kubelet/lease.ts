// The node's heartbeat Lease (pkg/kubelet/nodelease, component-helpers' lease controller):
// kube-node-lease/<node>, held by the node, 40 s long, renewed every 10 s (a quarter of it).
// The node lifecycle controller reads renewTime to tell a live node from a lost one.
import type { KubeObject } from '../api/types.js';
import { Resources } from '../client/resources.js';
import type { Client } from '../client/types.js';
import { microTime } from './node.js';
import { apiCode, errorText } from './errors.js';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const RENEW_INTERVAL_MS = 10_000;

export interface LeaseOptions {
  client: Client;
  nodeName: string;
  /** The Node's uid, for the ownerReference (garbage collected with the Node). */
  nodeUid: () => string | undefined;
  durationSeconds?: number;
  intervalMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export class LeaseRenewer {
  private lease: KubeObject | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly opts: LeaseOptions) {}

  /** Renews now, then every interval. */
  async start(firstDelayMs = 0): Promise<void> {
    this.stopped = false;
    if (firstDelayMs > 0) this.schedule(firstDelayMs);
    else await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** The last Lease written (for tests). */
  get current(): KubeObject | undefined {
    return this.lease;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    this.inFlight = this.renew().catch((err: unknown) => {
      this.opts.log?.(`lease ${this.opts.nodeName}: ${errorText(err)}`);
    });
    await this.inFlight;
    this.inFlight = undefined;
    this.schedule(this.opts.intervalMs ?? RENEW_INTERVAL_MS);
  }

  private spec(): KubeObject['spec'] {
    return {
      holderIdentity: this.opts.nodeName,
      leaseDurationSeconds: this.opts.durationSeconds ?? LEASE_DURATION_SECONDS,
      renewTime: microTime(this.opts.now?.() ?? Date.now()),
    };
  }

  /** Updates the Lease we hold; on a conflict reads it again and retries once; creates it when missing. */
  private async renew(): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.lease) this.lease = await this.fetch();
      if (!this.lease) {
        try {
          this.lease = await this.create();
          return;
        } catch (err) {
          if (apiCode(err) !== 409) throw err; // created meanwhile: read it and update
          continue;
        }
      }
      const next: KubeObject = { ...this.lease, spec: { ...(this.lease.spec as object), ...(this.spec() as object) } };
      this.withOwner(next);
      try {
        this.lease = await this.opts.client.update(Resources.leases, LEASE_NAMESPACE, next);
        return;
      } catch (err) {
        this.lease = undefined;
        if (apiCode(err) !== 409 && apiCode(err) !== 404) throw err;
      }
    }
  }

  private async fetch(): Promise<KubeObject | undefined> {
    try {
      return await this.opts.client.get(Resources.leases, LEASE_NAMESPACE, this.opts.nodeName);
    } catch (err) {
      if (apiCode(err) === 404) return undefined;
      throw err;
    }
  }

  private async create(): Promise<KubeObject> {
    const lease: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.opts.nodeName, namespace: LEASE_NAMESPACE },
      spec: this.spec(),
    };
    this.withOwner(lease);
    return this.opts.client.create(Resources.leases, LEASE_NAMESPACE, lease);
  }

  /** The Lease belongs to the Node (set once the Node's uid is known, as the kubelet does). */
  private withOwner(lease: KubeObject): void {
    const uid = this.opts.nodeUid();
    if (!uid) return;
    const refs = lease.metadata.ownerReferences ?? [];
    if (refs.some((r) => r.kind === 'Node' && r.uid === uid)) return;
    lease.metadata = { ...lease.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.opts.nodeName, uid }] };
  }
}
