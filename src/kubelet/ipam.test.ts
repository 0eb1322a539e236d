import { describe, expect, it } from 'vitest';
import { IpAllocator, cidrContains, parseCidr, pickPodCidr, formatCidr } from './ipam.js';

describe('IpAllocator', () => {
  it('skips the network and gateway addresses and hands out distinct IPs', () => {
    const ips = new IpAllocator('10.244.3.0/24');
    expect(ips.gateway).toBe('10.244.3.1');
    expect(ips.capacity).toBe(253);
    expect(ips.allocate('a')).toBe('10.244.3.2');
    expect(ips.allocate('b')).toBe('10.244.3.3');
    expect(ips.allocate('a')).toBe('10.244.3.2'); // the same owner keeps its IP
    expect(ips.used).toBe(2);
  });

  it('never reuses an IP in use and goes round-robin past freed ones', () => {
    const ips = new IpAllocator('10.0.0.0/29'); // .2 … .6
    const got = ['a', 'b', 'c', 'd', 'e'].map((o) => ips.allocate(o));
    expect(got).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(() => ips.allocate('f')).toThrow(/no free pod IP in 10\.0\.0\.0\/29/);
    ips.release('b');
    ips.release('d');
    expect(ips.allocate('f')).toBe('10.0.0.3'); // wrapped: the first free after the cursor
    expect(ips.allocate('g')).toBe('10.0.0.5');
    expect(new Set([...'acefg'].map((o) => ips.ipOf(o))).size).toBe(5);
  });

  it('does not hand a freed IP straight back', () => {
    const ips = new IpAllocator('10.244.0.0/24');
    const first = ips.allocate('a');
    ips.release('a');
    expect(ips.allocate('b')).not.toBe(first);
  });

  it('reserves an IP a pod already had (agent restart), refusing reserved or taken ones', () => {
    const ips = new IpAllocator('10.244.0.0/24');
    expect(ips.reserve('a', '10.244.0.77')).toBe(true);
    expect(ips.reserve('a', '10.244.0.77')).toBe(true);
    expect(ips.reserve('b', '10.244.0.77')).toBe(false);
    expect(ips.reserve('c', '10.244.0.1')).toBe(false);
    expect(ips.reserve('c', '10.244.1.5')).toBe(false);
    expect(ips.reserve('c', 'junk')).toBe(false);
    expect(ips.allocate('a')).toBe('10.244.0.77');
  });
});

describe('CIDRs', () => {
  it('parses and normalizes', () => {
    expect(formatCidr(parseCidr('10.244.1.7/24'))).toBe('10.244.1.0/24');
    expect(() => parseCidr('10.244.1.0')).toThrow();
    expect(() => parseCidr('300.1.1.0/24')).toThrow();
    expect(cidrContains(parseCidr('10.244.1.0/24'), '10.244.1.9')).toBe(true);
    expect(cidrContains(parseCidr('10.244.1.0/24'), '10.244.2.9')).toBe(false);
  });

  it('picks the lowest free /24 of the cluster range', () => {
    expect(pickPodCidr('10.244.0.0/16', [])).toBe('10.244.0.0/24');
    expect(pickPodCidr('10.244.0.0/16', ['10.244.0.0/24', '10.244.2.0/24'])).toBe('10.244.1.0/24');
    expect(() => pickPodCidr('10.244.0.0/24', ['10.244.0.0/24'])).toThrow(/no free/);
  });
});
