// Service ClusterIP and NodePort allocation, as upstream's service REST does within the create call.
import { StatusError } from './errors.js';

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Hands out addresses of a CIDR, never the network or broadcast address. */
export class IpAllocator {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private next: number;

  constructor(readonly cidr: string) {
    const [base, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    this.first = ipToInt(base) + 1;
    this.last = ipToInt(base) + size - 2;
    this.next = this.first;
  }

  contains(ip: string): boolean {
    const n = ipToInt(ip);
    return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && n >= this.first && n <= this.last;
  }

  has(ip: string): boolean {
    return this.used.has(ipToInt(ip));
  }

  /** Claims a specific address; false when taken. */
  claim(ip: string): boolean {
    const n = ipToInt(ip);
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  allocate(): string {
    const total = this.last - this.first + 1;
    for (let i = 0; i < total; i++) {
      const candidate = this.next;
      this.next = this.next >= this.last ? this.first : this.next + 1;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return intToIp(candidate);
      }
    }
    throw new StatusError(500, 'InternalError', `Internal error occurred: failed to allocate a serviceIP: range is full`);
  }

  release(ip: string): void {
    this.used.delete(ipToInt(ip));
  }
}

export class PortAllocator {
  private readonly used = new Set<number>();
  private next: number;

  constructor(readonly min = 30000, readonly max = 32767) {
    this.next = min + Math.floor(Math.random() * (max - min + 1));
  }

  contains(port: number): boolean {
    return port >= this.min && port <= this.max;
  }

  claim(port: number): boolean {
    if (this.used.has(port)) return false;
    this.used.add(port);
    return true;
  }

  allocate(): number {
    const total = this.max - this.min + 1;
    for (let i = 0; i < total; i++) {
      const candidate = this.next;
      this.next = this.next >= this.max ? this.min : this.next + 1;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  }

  release(port: number): void {
    this.used.delete(port);
  }
}
