// `skiff control-plane`: runs the API server (and, later, the controllers) in this process.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiServer } from '../../apiserver/server.js';
import { writeKubeconfig } from '../../cluster/kubeconfig.js';
import { UserError } from '../errors.js';

export interface ControlPlaneOptions {
  dataDir: string;
  listen: string;
  kubeconfigOut?: string;
  advertiseAddress?: string;
  san: string[];
}

/** Splits "127.0.0.1:6443" or "[::1]:6443" into host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) throw new UserError(`invalid --listen "${listen}"`, 'give an address and a port, such as 127.0.0.1:6443 (port 0 picks a free one)');
  const port = Number(m[3]);
  if (port > 65535) throw new UserError(`invalid --listen port ${port}`, 'use a port from 0 to 65535');
  return { host: m[1] ?? m[2], port };
}

export async function runControlPlane(options: ControlPlaneOptions): Promise<void> {
  const { host, port } = parseListen(options.listen);
  const server = new ApiServer({
    dataDir: resolve(options.dataDir),
    host,
    port,
    extraSans: options.san,
    advertiseAddress: options.advertiseAddress,
  });
  await server.start();
  if (options.kubeconfigOut) {
    writeKubeconfig(resolve(options.kubeconfigOut), { name: 'skiff', server: server.address, caPem: server.pki.ca.cert, token: server.adminToken });
  }
  process.stderr.write(`skiff control-plane listening on ${server.address}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

export function registerControlPlane(program: Command): void {
  program
    .command('control-plane')
    .description('run the Kubernetes control plane (API server) in this process')
    .requiredOption('--data-dir <dir>', 'where the control plane keeps its state')
    .option('--listen <host:port>', 'address to serve HTTPS on', '127.0.0.1:6443')
    .option('--kubeconfig-out <file>', 'write an admin kubeconfig here once ready')
    .option('--advertise-address <ip>', 'the address other components use to reach this server')
    .option('--san <name>', 'an extra name or IP for the serving certificate (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (opts: ControlPlaneOptions) => runControlPlane(opts));
}
