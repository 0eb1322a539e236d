import { describe, expect, it } from 'vitest';
import { RoundRobin } from './balancer.js';

const eps = (...ips: string[]) => ips.map((ip) => ({ ip, port: 80 }));

describe('RoundRobin', () => {
  it('rotates over the endpoints and answers undefined with none', () => {
    const rr = new RoundRobin();
    expect(rr.next('c')).toBeUndefined();
    rr.update(eps('a', 'b', 'c'), undefined);
    expect([1, 2, 3, 4].map(() => rr.next('client')!.ip)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('keeps its place when the same list comes again and restarts when it changes', () => {
    const rr = new RoundRobin();
    rr.update(eps('a', 'b', 'c'), undefined);
    rr.next('x');
    rr.update(eps('a', 'b', 'c'), undefined);
    expect(rr.next('x')!.ip).toBe('b');
    rr.update(eps('a', 'c'), undefined);
    expect([1, 2, 3].map(() => rr.next('x')!.ip)).toEqual(['a', 'c', 'a']);
  });

  it('sticks a client IP to its endpoint until idle for the timeout', () => {
    let now = 1000;
    const rr = new RoundRobin(() => now);
    rr.update(eps('a', 'b', 'c'), { timeoutMs: 5000 });
    const first = rr.next('10.0.0.1')!.ip;
    expect(rr.next('10.0.0.2')!.ip).not.toBe(first);
    now += 4000;
    expect(rr.next('10.0.0.1')!.ip).toBe(first);
    now += 4000; // 4 s after its last use: still within the timeout
    expect(rr.next('10.0.0.1')!.ip).toBe(first);
    now += 5000;
    // Expired: balanced again like a new client, so it takes the next in rotation (a, b were used).
    expect(first).toBe('a');
    expect(rr.next('10.0.0.1')!.ip).toBe('c');
    expect(rr.next('10.0.0.1')!.ip).toBe('c');
  });

  it('moves a sticky client off a removed endpoint, and off a failed one on reset', () => {
    const rr = new RoundRobin();
    rr.update(eps('a', 'b'), { timeoutMs: 60_000 });
    expect(rr.next('c1')!.ip).toBe('a');
    rr.update(eps('b'), { timeoutMs: 60_000 });
    expect(rr.next('c1')!.ip).toBe('b');
    rr.update(eps('a', 'b'), { timeoutMs: 60_000 });
    expect(rr.next('c1')!.ip).toBe('b');
    expect(rr.next('c1', true)!.ip).toBe('a');
    expect(rr.next('c1')!.ip).toBe('a');
  });

  it('forgets affinity when the Service turns it off', () => {
    const rr = new RoundRobin();
    rr.update(eps('a', 'b'), { timeoutMs: 60_000 });
    rr.next('c1');
    rr.update(eps('a', 'b'), undefined);
    expect([rr.next('c1')!.ip, rr.next('c1')!.ip]).toEqual(['b', 'a']);
  });
});
