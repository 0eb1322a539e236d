// The one process of a node container (DESIGN "The picture"): on the control-plane node the
// control plane (API server, scheduler, controller-manager, mirror pods) and then the node agent
// with the Docker runtime; on a worker the agent alone. Everything it keeps lives in the node's
// state volume, so a stopped node comes back with the same objects.
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerEngine } from '../driver/engine.js';
import { NODE_STATE_DIR } from '../driver/driver.js';
import { ApiClient } from '../client/client.js';
import { runAgent } from '../kubelet/agent.js';
import { MirrorPods } from '../kubelet/mirrorpods.js';
import { IpAddressManager, KubeProxy } from '../proxy/index.js';
import { defaultNodeIp } from '../kubelet/node.js';
import { startControlPlane, type RunningControlPlane } from './controlplane.js';
import { ADMIN_KUBECONFIG, API_SERVER_PORT, NODE_KUBECONFIG, NODE_KUBECONFIG_ENV } from './nodeconsts.js';

// Re-exported for what imported them from here; the host side imports nodeconsts.ts itself.
export { ADMIN_KUBECONFIG, API_SERVER_PORT, NODE_KUBECONFIG, NODE_KUBECONFIG_ENV };

export interface NodeProcessOptions {
  role: 'control-plane' | 'worker';
  name: string;
  profile: string;
  network: string;
  sandboxImage: string;
  clusterCidr: string;
  /** Service ClusterIPs (the control-plane node's API server allocates them). */
  serviceCidr?: string;
  clusterDns: string;
  cpu?: string;
  memory?: string;
  engine: ContainerEngine;
  log?: (message: string) => void;
}

export interface RunningNode {
  stop(): Promise<void>;
}

export async function runNodeProcess(o: NodeProcessOptions): Promise<RunningNode> {
  const ip = defaultNodeIp();
  let controlPlane: RunningControlPlane | undefined;
  if (o.role === 'control-plane') {
    controlPlane = await startControlPlane({
      dataDir: join(NODE_STATE_DIR, 'control-plane'),
      host: '0.0.0.0',
      port: API_SERVER_PORT,
      advertiseAddress: ip,
      serviceCidr: o.serviceCidr,
      extraSans: [ip, o.name],
      kubeconfigOut: ADMIN_KUBECONFIG,
      nodeKubeconfigOut: NODE_KUBECONFIG,
      nodeName: o.name,
      log: o.log,
    });
  }
  // A worker is handed the node credential by `skiff start` (from the control-plane node).
  const handed = process.env[NODE_KUBECONFIG_ENV];
  if (o.role === 'worker' && handed) writeFileSync(NODE_KUBECONFIG, Buffer.from(handed, 'base64'), { mode: 0o600 });
  if (!existsSync(NODE_KUBECONFIG)) throw new Error(`no node credential at ${NODE_KUBECONFIG}`);
  // The agent and kube-proxy only share the API server: they start side by side (the agent's
  // registration waits to be sure of its pod range), and a failure of either stops both.
  const agentStarting = runAgent({
    kubeconfig: NODE_KUBECONFIG,
    nodeName: o.name,
    runtime: 'docker',
    docker: { engine: o.engine, profile: o.profile, network: o.network, sandboxImage: o.sandboxImage, nodeContainerId: o.name, clusterDns: o.clusterDns },
    clusterCidr: o.clusterCidr,
    nodeIp: ip,
    cpu: o.cpu,
    memory: o.memory,
    labels: o.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    log: o.log,
  });
  const proxyStarting = startProxy(o, controlPlane !== undefined);
  const [agent, proxy] = await Promise.allSettled([agentStarting, proxyStarting]);
  if (agent.status === 'rejected' || proxy.status === 'rejected') {
    if (proxy.status === 'fulfilled') await proxy.value.stop();
    if (agent.status === 'fulfilled') await agent.value.stop();
    await controlPlane?.stop();
    throw agent.status === 'rejected' ? agent.reason : (proxy as PromiseRejectedResult).reason;
  }
  return {
    async stop() {
      await proxy.value.stop();
      await agent.value.stop();
      await controlPlane?.stop();
    },
  };
}

/**
 * kube-proxy: NodePorts on every node; the ClusterIPs on the control-plane node alone, which adds
 * each as a /32 on its interface (it has NET_ADMIN) so that every container on the network, for
 * which the profile's whole /12 (service range included) is on-link, reaches it by ARP. It shows
 * in kube-system as the mirror pod kube-proxy-<hash>, Running while it has listed what it serves.
 */
async function startProxy(o: NodeProcessOptions, holdsClusterIPs: boolean): Promise<{ stop(): Promise<void> }> {
  const client = ApiClient.fromKubeconfig(NODE_KUBECONFIG, `kube-proxy skiff/${o.name}`);
  const proxy = new KubeProxy({
    client,
    nodeName: o.name,
    clusterIPs: holdsClusterIPs,
    addresses: holdsClusterIPs ? new IpAddressManager({ interfaceName: 'eth0' }) : undefined,
    log: o.log,
  });
  await proxy.start();
  const mirror = new MirrorPods({
    client,
    nodeName: o.name,
    components: [{
      name: 'kube-proxy',
      podName: `kube-proxy-${createHash('sha256').update(o.name).digest('hex').slice(0, 5)}`,
      labels: { 'k8s-app': 'kube-proxy' },
      command: ['skiff', ...process.argv.slice(2)],
      healthy: () => proxy.healthy(),
    }],
    log: o.log,
  });
  mirror.start();
  return {
    async stop() {
      await mirror.stop();
      await proxy.stop();
      client.close();
    },
  };
}
