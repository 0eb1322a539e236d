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
    defaultTolerationSeconds: config.controllerOptions?.defaultTolerationSeconds,
  });
  await server.start();
  const caPem = server.pki.ca.cert;
  // In-process components dial the server on loopback, whatever address it listens on.
  const local = `https://127.0.0.1:${server.port()}`;
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
      const mirrors = startMirrorPods(config.nodeName, local, caPem, tokenFor, [
        { name: 'kube-apiserver', command: ['skiff', 'control-plane', `--advertise-address=${config.advertiseAddress ?? config.host}`, `--secure-port=${server.port()}`], healthy: () => livez(local, caPem) },
        { name: 'kube-controller-manager', command: ['skiff', 'control-plane', '--controllers=*', '--use-service-account-credentials=true'], healthy: () => controllers.healthy() },
        { name: 'kube-scheduler', command: ['skiff', 'control-plane', '--leader-elect=false'], healthy: () => scheduler?.healthy() ?? false },
      ]);
      stops.push(() => mirrors.stop());
    }
  } catch (err) {
    await stopAll();
    throw new Error(`failed to start the control plane: ${(err as Error).message}`, { cause: err });
  }

  const entry = { server: server.address, caPem };
  if (config.nodeKubeconfigOut) writeKubeconfig(resolve(config.nodeKubeconfigOut), { ...entry, name: 'skiff', token: server.nodeToken });
  if (config.kubeconfigOut) writeKubeconfig(resolve(config.kubeconfigOut), { ...entry, name: 'skiff', token: server.adminToken });
  return { address: server.address, stop: stopAll };
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
