// The control-plane node's process: the API server, then kube-scheduler and
// kube-controller-manager as in-process components that reach it over HTTPS with loopback tokens
// of their own identities, and the mirror pods that show them in kube-system. Started in this
// order, stopped in reverse.
import https from 'node:https';
import { resolve } from 'node:path';
import { ApiServer } from '../apiserver/server.js';
import { ApiClient } from '../client/client.js';
import { ControllerManager } from '../controllers/manager.js';
import type { ControllerOptions } from '../controllers/context.js';
import { MirrorPods, type StaticComponent } from '../kubelet/mirrorpods.js';
import { startScheduler, type RunningScheduler } from '../scheduler/run.js';
import { writeKubeconfig } from './kubeconfig.js';

export interface ControlPlaneConfig {
  dataDir: string;
  host: string;
  port: number;
  extraSans?: string[];
  advertiseAddress?: string;
  /** Where Service ClusterIPs come from (10.96.0.0/16 by default): the first /16 of the profile's network. */
  serviceCidr?: string;
  /** Where to write the admin kubeconfig once everything serves. */
  kubeconfigOut?: string;
  /** Where to write the node agents' kubeconfig (their own token, group system:nodes). */
  nodeKubeconfigOut?: string;
  /** The node this control plane runs on: its mirror pods are bound there once it registers. */
  nodeName?: string;
  controllerOptions?: Partial<ControllerOptions>;
  /** kube-controller-manager's --controllers ('*' by default; '-*' runs none). */
  controllers?: string;
  /** Run kube-scheduler (default true). */
  scheduler?: boolean;
  log?: (message: string) => void;
}

export interface RunningControlPlane {
  readonly address: string;
  stop(): Promise<void>;
}

export async function startControlPlane(config: ControlPlaneConfig): Promise<RunningControlPlane> {
  const log = config.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const server = new ApiServer({
    dataDir: resolve(config.dataDir),
    host: config.host,
    port: config.port,
    extraSans: config.extraSans,
    advertiseAddress: config.advertiseAddress,
    serviceCidr: config.serviceCidr,
    defaultTolerationSeconds: config.controllerOptions?.defaultTolerationSeconds,
  });
  await server.start();
  const caPem = server.pki.ca.cert;
  // In-process components dial the address it listens on (loopback when that is a wildcard).
  const local = `https://${loopbackFor(config.host)}:${server.port()}`;
  const tokenFor = (user: { name: string; groups: string[] }) => server.loopbackToken(user);

  const stops: (() => Promise<void>)[] = [() => server.stop()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err) => log(`stopping: ${(err as Error).message}`));
  };
  try {
    const scheduler: RunningScheduler | undefined = config.scheduler === false ? undefined : await startScheduler({ server: local, caPem, tokenFor, log });
    if (scheduler) stops.push(() => scheduler.stop());
    const controllers = new ControllerManager({ server: local, caPem, tokenFor, options: config.controllerOptions, controllers: config.controllers, log });
    await controllers.start();
    stops.push(() => controllers.stop());
    if (config.nodeName) {
      // All three run in this process: each mirror pod shows its real command line.
      const command = ['skiff', ...process.argv.slice(2)];
      const components: StaticComponent[] = [
        { name: 'kube-apiserver', command, healthy: () => livez(local, caPem) },
        { name: 'kube-controller-manager', command, healthy: () => controllers.healthy() },
      ];
      if (scheduler) components.push({ name: 'kube-scheduler', command, healthy: () => scheduler.healthy() });
      const mirrors = startMirrorPods(config.nodeName, local, caPem, tokenFor, components);
      stops.push(() => mirrors.stop());
    }
  } catch (err) {
    await stopAll();
    throw new Error(`failed to start the control plane: ${(err as Error).message}`, { cause: err });
  }

  // Clients elsewhere (other nodes) reach it at the advertised address, which its certificate names.
  const served = config.advertiseAddress && isWildcard(config.host) ? `https://${config.advertiseAddress}:${server.port()}` : server.address;
  const entry = { server: served, caPem };
  if (config.nodeKubeconfigOut) writeKubeconfig(resolve(config.nodeKubeconfigOut), { ...entry, name: 'skiff', token: server.nodeToken });
  if (config.kubeconfigOut) writeKubeconfig(resolve(config.kubeconfigOut), { ...entry, name: 'skiff', token: server.adminToken });
  return { address: served, stop: stopAll };
}

function startMirrorPods(
  nodeName: string, local: string, caPem: string, tokenFor: (u: { name: string; groups: string[] }) => string, components: StaticComponent[],
): { stop(): Promise<void> } {
  // Mirror pods are the kubelet's to write: the node's own identity.
  const client = new ApiClient({ server: local, caPem, token: tokenFor({ name: `system:node:${nodeName}`, groups: ['system:nodes'] }), userAgent: `kubelet skiff/${nodeName}` });
  const mirrors = new MirrorPods({ client, nodeName, components });
  mirrors.start();
  return {
    async stop() {
      await mirrors.stop();
      client.close();
    },
  };
}

function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}

function loopbackFor(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** The API server's own liveness check, asked over HTTPS as a kubelet's probe would. */
function livez(server: string, caPem: string): Promise<boolean> {
  return new Promise((res) => {
    const req = https.get(`${server}/livez`, { ca: caPem, timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
  });
}
