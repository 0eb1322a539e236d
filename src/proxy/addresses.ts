// ClusterIPs answered by this node must be local addresses. In the control-plane node container
// (the only one with NET_ADMIN) each is added as a /32 on its interface: every container on the
// network treats the service range as on-link, so the kernel answers ARP for it and the proxy's
// sockets can bind it. Where the addresses are local already (loopback in tests), nothing is done.
import { execFile } from 'node:child_process';
import net from 'node:net';

export interface AddressManager {
  /** Makes `ip` a local address; succeeds if it already is. */
  add(ip: string): Promise<void>;
  /** Removes an address added before; succeeds if it is already gone. */
  remove(ip: string): Promise<void>;
}

/** For environments where every ClusterIP the proxy binds is already local. */
export class NoopAddressManager implements AddressManager {
  async add(): Promise<void> {}
  async remove(): Promise<void> {}
}

export interface IpAddressManagerOptions {
  /** The interface that holds the ClusterIPs (the node container's network: eth0). */
  interfaceName: string;
  /** The iproute2 binary ("ip" on PATH by default). */
  ipCommand?: string;
}

/** A host route for one address: /32 for IPv4, /128 for IPv6. */
export function hostPrefix(ip: string): string {
  if (net.isIPv4(ip)) return `${ip}/32`;
  if (net.isIPv6(ip)) return `${ip}/128`;
  throw new Error(`not an ip address: ${JSON.stringify(ip)}`);
}

/** iproute2's answers that mean the change is already in place. */
export function alreadyDone(op: 'add' | 'del', stderr: string): boolean {
  return op === 'add' ? /File exists/i.test(stderr) : /Cannot assign requested address|No such address/i.test(stderr);
}

export class IpAddressManager implements AddressManager {
  constructor(private readonly opts: IpAddressManagerOptions) {}

  add(ip: string): Promise<void> {
    return this.run('add', ip);
  }

  remove(ip: string): Promise<void> {
    return this.run('del', ip);
  }

  private run(op: 'add' | 'del', ip: string): Promise<void> {
    const args = ['addr', op, hostPrefix(ip), 'dev', this.opts.interfaceName];
    const command = this.opts.ipCommand ?? 'ip';
    return new Promise((resolve, reject) => {
      execFile(command, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
        if (!err || alreadyDone(op, String(stderr))) return resolve();
        const detail = String(stderr).trim() || err.message;
        reject(new Error(`${command} ${args.join(' ')} failed: ${detail}`));
      });
    });
  }
}
