import { describe, expect, it } from 'vitest';
import { alreadyDone, hostPrefix, IpAddressManager, NoopAddressManager } from './addresses.js';

describe('addresses', () => {
  it('adds host routes: /32 for IPv4, /128 for IPv6', () => {
    expect(hostPrefix('10.96.0.10')).toBe('10.96.0.10/32');
    expect(hostPrefix('fd00::a')).toBe('fd00::a/128');
    expect(() => hostPrefix('10.96.0')).toThrow(/not an ip address/);
  });

  it('treats an address already there (or already gone) as done', () => {
    expect(alreadyDone('add', 'RTNETLINK answers: File exists\n')).toBe(true);
    expect(alreadyDone('del', 'RTNETLINK answers: Cannot assign requested address\n')).toBe(true);
    expect(alreadyDone('add', 'RTNETLINK answers: Operation not permitted\n')).toBe(false);
  });

  it('reports a failing ip command with its arguments', async () => {
    const m = new IpAddressManager({ interfaceName: 'eth0', ipCommand: '/nonexistent/ip' });
    await expect(m.add('10.96.0.10')).rejects.toThrow(/\/nonexistent\/ip addr add 10\.96\.0\.10\/32 dev eth0 failed/);
  });

  it('the noop manager does nothing and succeeds', async () => {
    await expect(new NoopAddressManager().add()).resolves.toBeUndefined();
  });
});
