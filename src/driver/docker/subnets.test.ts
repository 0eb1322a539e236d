import { describe, expect, it } from 'vitest';
import { importPlan } from './image.js';
import { addressing, firstFreeIp, freeSubnet } from './subnets.js';

describe('profile addressing', () => {
  it('takes 10.96.0.0/12 first, with nodes in 10.100.0.0/14 behind gateway 10.100.0.1', () => {
    expect(freeSubnet(['172.17.0.0/16'])).toEqual({ subnet: '10.96.0.0/12', ipRange: '10.100.0.0/14', gateway: '10.100.0.1' });
  });

  it('takes the next free /12 when one overlaps an existing network', () => {
    expect(freeSubnet(['10.96.0.0/12'])).toEqual(addressing('10.112.0.0/12'));
    expect(freeSubnet(['10.100.5.0/24', '10.112.0.0/16'])).toEqual(addressing('10.128.0.0/12'));
    expect(addressing('10.112.0.0/12')).toEqual({ subnet: '10.112.0.0/12', ipRange: '10.116.0.0/14', gateway: '10.116.0.1' });
  });

  it('wraps to the low /12s and gives up only when 10.0.0.0/8 is full', () => {
    const high = Array.from({ length: 10 }, (_, i) => `10.${96 + i * 16}.0.0/12`);
    expect(freeSubnet(high)?.subnet).toBe('10.0.0.0/12');
    expect(freeSubnet(['10.0.0.0/8'])).toBeUndefined();
  });

  it('hands out node addresses after the gateway, skipping taken ones', () => {
    expect(firstFreeIp('10.100.0.0/14', new Set(['10.100.0.1']))).toBe('10.100.0.2');
    expect(firstFreeIp('10.100.0.0/14', new Set(['10.100.0.2', '10.100.0.3']))).toBe('10.100.0.4');
  });
});

describe('import plan', () => {
  it('imports a FROM scratch rootfs image with its metadata', () => {
    expect(importPlan('# c\nFROM scratch\nCOPY rootfs/ /\nENV A=1\nCMD ["x"]\n')).toEqual(['ENV A=1', 'CMD ["x"]']);
  });

  it('builds anything else', () => {
    expect(importPlan('FROM debian\nCOPY rootfs/ /\n')).toBeUndefined();
    expect(importPlan('FROM scratch\nCOPY rootfs/ /\nRUN true\n')).toBeUndefined();
    expect(importPlan('FROM scratch\nCOPY a /a\n')).toBeUndefined();
  });
});
