// IPv4 arithmetic for DESIGN's addressing: each profile gets its own 10.x.0.0/12 whose second
// /14 holds the node and pod addresses (10.96.0.0/12 → ip-range 10.100.0.0/14, gateway 10.100.0.1).

export function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address "${ip}"`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  bits: number;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bits] = cidr.split('/');
  const b = Number(bits);
  const mask = b === 0 ? 0 : (~0 << (32 - b)) >>> 0;
  return { base: (toInt(ip!) & mask) >>> 0, bits: b };
}

function size(c: Cidr): number {
  return 2 ** (32 - c.bits);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export interface ProfileAddressing {
  subnet: string;
  ipRange: string;
  gateway: string;
}

/** The /12 blocks of 10.0.0.0/8 in the order profiles take them: 10.96 first, then upward, then wrap. */
export function candidateSubnets(): string[] {
  const seconds = Array.from({ length: 16 }, (_, i) => i * 16);
  const start = seconds.indexOf(96);
  return [...seconds.slice(start), ...seconds.slice(0, start)].map((s) => `10.${s}.0.0/12`);
}

export function addressing(subnet: string): ProfileAddressing {
  const c = parseCidr(subnet);
  const range = c.base + size(c) / 4; // the second /14 of the /12
  return { subnet, ipRange: `${toIp(range)}/${c.bits + 2}`, gateway: toIp(range + 1) };
}

/** The first candidate /12 that overlaps none of the engine's existing subnets. */
export function freeSubnet(taken: string[]): ProfileAddressing | undefined {
  const used = taken.filter((t) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(t)).map(parseCidr);
  const free = candidateSubnets().find((s) => !used.some((u) => overlaps(parseCidr(s), u)));
  return free ? addressing(free) : undefined;
}

/** The first address of the ip-range after the gateway that is not taken. */
export function firstFreeIp(ipRange: string, taken: Set<string>): string | undefined {
  const r = parseCidr(ipRange);
  for (let n = r.base + 2; n < r.base + size(r) - 1; n++) {
    const ip = toIp(n);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}
