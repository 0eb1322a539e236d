// The userspace proxy's load balancer (upstream pkg/proxy/userspace/roundrobin.go): round-robin
// over a service port's endpoints, with ClientIP session affinity that keeps a client on its
// endpoint until it has been idle for the timeout.
import type { Affinity, Endpoint } from './types.js';

interface Sticky {
  endpoint: Endpoint;
  lastUsed: number;
}

/** How often expired affinity entries are swept, so clients that left do not pile up. */
const SWEEP_INTERVAL_MS = 10_000;

export function sameEndpoints(a: readonly Endpoint[], b: readonly Endpoint[]): boolean {
  return a.length === b.length && a.every((e, i) => e.ip === b[i]!.ip && e.port === b[i]!.port);
}

function includes(list: readonly Endpoint[], e: Endpoint): boolean {
  return list.some((x) => x.ip === e.ip && x.port === e.port);
}

export class RoundRobin {
  private endpoints: Endpoint[] = [];
  private index = 0;
  private affinity?: Affinity;
  private readonly sticky = new Map<string, Sticky>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  /** Takes a new endpoint list; clients stuck to a removed endpoint are rebalanced. */
  update(endpoints: readonly Endpoint[], affinity: Affinity | undefined): void {
    if (!sameEndpoints(this.endpoints, endpoints)) {
      // As upstream: a changed list restarts the rotation (its order is sorted, so stable).
      this.endpoints = endpoints.map((e) => ({ ...e }));
      this.index = 0;
      for (const [ip, s] of this.sticky) if (!includes(this.endpoints, s.endpoint)) this.sticky.delete(ip);
    }
    if (!affinity) this.sticky.clear();
    this.affinity = affinity ? { ...affinity } : undefined;
  }

  current(): readonly Endpoint[] {
    return this.endpoints;
  }

  /**
   * The endpoint for a new connection from `clientIP`; undefined with no endpoints. `reset` drops
   * the client's affinity first: the proxy passes it when retrying after its endpoint failed.
   */
  next(clientIP: string, reset = false): Endpoint | undefined {
    if (this.endpoints.length === 0) return undefined;
    const now = this.now();
    this.sweep(now);
    if (this.affinity && !reset) {
      const s = this.sticky.get(clientIP);
      if (s && now - s.lastUsed < this.affinity.timeoutMs) {
        s.lastUsed = now;
        return s.endpoint;
      }
    }
    const endpoint = this.endpoints[this.index % this.endpoints.length]!;
    this.index = (this.index + 1) % this.endpoints.length;
    if (this.affinity) this.sticky.set(clientIP, { endpoint, lastUsed: now });
    return endpoint;
  }

  private sweep(now: number): void {
    if (!this.affinity || now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [ip, s] of this.sticky) if (now - s.lastUsed >= this.affinity.timeoutMs) this.sticky.delete(ip);
  }
}
