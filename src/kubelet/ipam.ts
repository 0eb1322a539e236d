// Pod IPs from the node's pod CIDR, as CNI's host-local IPAM hands them out: the network address
// and the gateway (first host address) are reserved, allocation goes round-robin from the last
// address handed out so a freed IP is not reused soon, and an IP in use is never given twice.

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`invalid IPv4 address "${ip}"`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`invalid IPv4 address "${ip}"`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(text: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m || Number(m[2]) > 30) throw new Error(`invalid IPv4 CIDR "${text}" (want a.b.c.d/n with n ≤ 30)`);
  const prefix = Number(m[2]);
  const size = 2 ** (32 - prefix);
  const network = ipToNumber(m[1]) - (ipToNumber(m[1]) % size);
  return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${numberToIp(cidr.network)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  let n: number;
  try {
    n = ipToNumber(ip);
  } catch {
    return false;
  }
  return n >= cidr.network && n < cidr.network + 2 ** (32 - cidr.prefix);
}

export class IpAllocator {
  readonly cidr: Cidr;
  private readonly first: number; // after the network address and the gateway
  private readonly last: number; // before the broadcast address
  private readonly byOwner = new Map<string, number>();
  private readonly inUse = new Set<number>();
  private cursor: number;

  constructor(cidr: string) {
    this.cidr = parseCidr(cidr);
    const size = 2 ** (32 - this.cidr.prefix);
    this.first = this.cidr.network + 2;
    this.last = this.cidr.network + size - 2;
    this.cursor = this.last; // so the first allocation is `first`
  }

  /** The gateway address of the range (what a bridge would hold). */
  get gateway(): string {
    return numberToIp(this.cidr.network + 1);
  }

  get capacity(): number {
    return this.last - this.first + 1;
  }

  get used(): number {
    return this.inUse.size;
  }

  /** The owner's IP, allocating the next free one; throws when the range is exhausted. */
  allocate(owner: string): string {
    const held = this.byOwner.get(owner);
    if (held !== undefined) return numberToIp(held);
    for (let i = 0; i < this.capacity; i++) {
      this.cursor = this.cursor >= this.last ? this.first : this.cursor + 1;
      if (!this.inUse.has(this.cursor)) {
        this.take(owner, this.cursor);
        return numberToIp(this.cursor);
      }
    }
    throw new Error(`no free pod IP in ${formatCidr(this.cidr)} (${this.capacity} in use)`);
  }

  /**
   * Claims a specific IP for an owner (an address a pod already had before a restart).
   * False when it is outside the range, reserved, or held by another owner.
   */
  reserve(owner: string, ip: string): boolean {
    let n: number;
    try {
      n = ipToNumber(ip);
    } catch {
      return false;
    }
    if (n < this.first || n > this.last) return false;
    const held = this.byOwner.get(owner);
    if (held === n) return true;
    if (this.inUse.has(n) || held !== undefined) return false;
    this.take(owner, n);
    return true;
  }

  release(owner: string): void {
    const n = this.byOwner.get(owner);
    if (n === undefined) return;
    this.byOwner.delete(owner);
    this.inUse.delete(n);
  }

  ipOf(owner: string): string | undefined {
    const n = this.byOwner.get(owner);
    return n === undefined ? undefined : numberToIp(n);
  }

  private take(owner: string, n: number): void {
    this.byOwner.set(owner, n);
    this.inUse.add(n);
  }
}

/**
 * The pod CIDR for a new node: the lowest /24 of `clusterCidr` that no other node uses.
 * (skiff has no node-IPAM controller; agents pick their range themselves.)
 */
export function pickPodCidr(clusterCidr: string, taken: Iterable<string>, subnetPrefix = 24): string {
  const cluster = parseCidr(clusterCidr);
  if (subnetPrefix < cluster.prefix) throw new Error(`subnet /${subnetPrefix} is larger than ${clusterCidr}`);
  const used = new Set<number>();
  for (const t of taken) {
    try {
      used.add(parseCidr(t).network);
    } catch {
      /* a node with a malformed podCIDR takes nothing */
    }
  }
  const step = 2 ** (32 - subnetPrefix);
  const count = 2 ** (subnetPrefix - cluster.prefix);
  for (let i = 0; i < count; i++) {
    const network = cluster.network + i * step;
    if (!used.has(network)) return formatCidr({ network, prefix: subnetPrefix });
  }
  throw new Error(`no free /${subnetPrefix} left in ${clusterCidr}`);
}
