// `skiff agent`'s action: the node agent (kubelet) for one node, or `--count N` hollow nodes, in this
// process. Loaded only when the command runs (../commands/agent.ts registers it).
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseQuantity } from '../../api/validation/quantity.js';
import { runAgent, type AgentOptions } from '../../kubelet/agent.js';
import { parseCidr } from '../../kubelet/ipam.js';
import { KUBELET_PORT, parseLabels, parseTaints } from '../../kubelet/node.js';
import { DockerContainerEngine } from '../../driver/docker/containers.js';
import { connect } from '../../driver/docker/engine.js';
import { UserError } from '../errors.js';
import { exitOnSignals } from '../signals.js';

export interface AgentFlags {
  kubeconfig: string;
  nodeName: string;
  runtime: string;
  count?: string;
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
  nodeLabels?: string;
  registerWithTaints?: string;
  podCidr?: string;
  clusterCidr?: string;
  nodeIp?: string;
  profile?: string;
  network?: string;
  sandboxImage?: string;
  nodeContainer?: string;
  clusterDns: string;
  kubeletPort?: string;
}

/** What the docker runtime needs besides its engine, which the command connects. */
export interface DockerFlags {
  profile: string;
  network: string;
  sandboxImage: string;
  nodeContainerId: string;
  clusterDns: string;
}

function quantity(flag: string, value: string): string {
  const n = parseQuantity(value);
  if (n === undefined || n <= 0) throw new UserError(`invalid ${flag} "${value}"`, `give a positive Kubernetes quantity, such as ${flag === '--cpu' ? '4 or 500m' : '8Gi'}`);
  return value;
}

function positiveInt(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UserError(`invalid ${flag} "${value}"`, `give a whole number from 1 to ${max}`);
  }
  return Number(value);
}

/**
 * The kubelet server's port: 10250 by default, as the kubelet's; hollow nodes (--runtime fake)
 * default to a free port, so that several hollow agents can share one host.
 */
function kubeletPort(flags: AgentFlags): number {
  if (flags.kubeletPort === undefined) return flags.runtime === 'fake' ? 0 : KUBELET_PORT;
  if (!/^\d+$/.test(flags.kubeletPort) || Number(flags.kubeletPort) > 65535) {
    throw new UserError(`invalid --kubelet-port "${flags.kubeletPort}"`, 'give a port from 1 to 65535, or 0 for a free one');
  }
  return Number(flags.kubeletPort);
}

/** Turns the command line into runAgent's options, saying how to fix what is wrong. */
export function agentOptions(flags: AgentFlags): AgentOptions & { dockerFlags?: DockerFlags } {
  if (flags.runtime !== 'fake' && flags.runtime !== 'docker') {
    throw new UserError(`unknown runtime "${flags.runtime}"`, 'use --runtime docker (pods as containers) or --runtime fake (hollow pods)');
  }
  const kubeconfig = resolve(flags.kubeconfig);
  if (!existsSync(kubeconfig)) throw new UserError(`kubeconfig ${kubeconfig} does not exist`, 'pass the file `skiff control-plane --kubeconfig-out` wrote');
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(flags.nodeName) || flags.nodeName.length > 63) {
    throw new UserError(`invalid --node-name "${flags.nodeName}"`, 'use lower-case letters, digits, "-" and "."');
  }
  const options: AgentOptions & { dockerFlags?: DockerFlags } = {
    kubeconfig,
    nodeName: flags.nodeName,
    runtime: flags.runtime,
    cpu: quantity('--cpu', flags.cpu),
    memory: quantity('--memory', flags.memory),
    pods: positiveInt('--pods', flags.pods, 10_000),
    ephemeralStorage: quantity('--ephemeral-storage', flags.ephemeralStorage),
  };
  if (flags.count !== undefined) options.count = positiveInt('--count', flags.count, 5000);
  try {
    if (flags.nodeLabels) options.labels = parseLabels(flags.nodeLabels);
    if (flags.registerWithTaints) options.taints = parseTaints(flags.registerWithTaints);
  } catch (err) {
    throw new UserError((err as Error).message, 'see `skiff agent --help`');
  }
  if (flags.podCidr) {
    try {
      parseCidr(flags.podCidr);
    } catch (err) {
      throw new UserError((err as Error).message, 'give an IPv4 range such as 10.244.5.0/24');
    }
    if (options.count !== undefined) throw new UserError('--pod-cidr cannot be combined with --count', 'leave --pod-cidr out: each hollow node picks a free /24');
    options.podCidr = flags.podCidr;
  }
  if (flags.clusterCidr) {
    try {
      parseCidr(flags.clusterCidr);
    } catch (err) {
      throw new UserError((err as Error).message, 'give an IPv4 range such as 10.101.0.0/16');
    }
    options.clusterCidr = flags.clusterCidr;
  }
  if (flags.runtime === 'docker') options.dockerFlags = dockerFlags(flags, options.count);
  options.kubeletPort = kubeletPort(flags);
  if (flags.nodeIp) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(flags.nodeIp)) throw new UserError(`invalid --node-ip "${flags.nodeIp}"`, 'give an IPv4 address');
    options.nodeIp = flags.nodeIp;
  }
  return options;
}

function dockerFlags(flags: AgentFlags, count: number | undefined): DockerFlags {
  if (count !== undefined) throw new UserError('--count runs hollow nodes', 'use --runtime fake with --count');
  if (!flags.profile) throw new UserError('--runtime docker needs --profile', 'name the profile whose network and labels the pods get');
  if (!flags.sandboxImage) throw new UserError('--runtime docker needs --sandbox-image', 'give the pod sandbox image tag (skiff start passes it)');
  return {
    profile: flags.profile,
    network: flags.network ?? `skiff-${flags.profile}`,
    sandboxImage: flags.sandboxImage,
    nodeContainerId: flags.nodeContainer ?? flags.nodeName,
    clusterDns: flags.clusterDns,
  };
}

export async function runAgentCommand(flags: AgentFlags): Promise<void> {
  const { dockerFlags: docker, ...options } = agentOptions(flags);
  if (docker) {
    const engine = new DockerContainerEngine(connect());
    options.docker = { ...docker, engine };
  }
  const agent = await runAgent(options);
  process.stderr.write(`skiff agent running node${agent.nodeNames.length > 1 ? 's' : ''} ${summarize(agent.nodeNames)}\n`);
  exitOnSignals(() => agent.stop());
}

function summarize(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names[0]} … ${names[names.length - 1]} (${names.length})`;
}
