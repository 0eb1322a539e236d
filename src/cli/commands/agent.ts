// `skiff agent`: the node agent (kubelet) for one node, or `--count N` hollow nodes, in this process.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parseQuantity } from '../../api/validation/quantity.js';
import { runAgent, type AgentOptions } from '../../kubelet/agent.js';
import { parseCidr } from '../../kubelet/ipam.js';
import { parseLabels, parseTaints } from '../../kubelet/node.js';
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
  nodeIp?: string;
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

/** Turns the command line into runAgent's options, saying how to fix what is wrong. */
export function agentOptions(flags: AgentFlags): AgentOptions {
  if (flags.runtime !== 'fake') {
    throw new UserError(`runtime "${flags.runtime}" is not available yet`, 'use --runtime fake (hollow pods with no containers)');
  }
  const kubeconfig = resolve(flags.kubeconfig);
  if (!existsSync(kubeconfig)) throw new UserError(`kubeconfig ${kubeconfig} does not exist`, 'pass the file `skiff control-plane --kubeconfig-out` wrote');
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(flags.nodeName) || flags.nodeName.length > 63) {
    throw new UserError(`invalid --node-name "${flags.nodeName}"`, 'use lower-case letters, digits, "-" and "."');
  }
  const options: AgentOptions = {
    kubeconfig,
    nodeName: flags.nodeName,
    runtime: 'fake',
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
  if (flags.nodeIp) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(flags.nodeIp)) throw new UserError(`invalid --node-ip "${flags.nodeIp}"`, 'give an IPv4 address');
    options.nodeIp = flags.nodeIp;
  }
  return options;
}

export async function runAgentCommand(flags: AgentFlags): Promise<void> {
  const agent = await runAgent(agentOptions(flags));
  process.stderr.write(`skiff agent running node${agent.nodeNames.length > 1 ? 's' : ''} ${summarize(agent.nodeNames)}\n`);
  exitOnSignals(() => agent.stop());
}

function summarize(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names[0]} … ${names[names.length - 1]} (${names.length})`;
}

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the node agent (kubelet) for one node, or --count hollow nodes')
    .requiredOption('--kubeconfig <file>', 'kubeconfig to reach the API server with')
    .requiredOption('--node-name <name>', 'the Node to register (with --count: the prefix of NAME-0 … NAME-N-1)')
    .option('--runtime <runtime>', 'container runtime: fake (hollow pods, no containers)', 'fake')
    .option('--count <n>', 'run this many hollow nodes in this process')
    .option('--cpu <quantity>', 'cpu capacity of each node', '4')
    .option('--memory <quantity>', 'memory capacity of each node', '8Gi')
    .option('--pods <n>', 'pod capacity of each node', '110')
    .option('--ephemeral-storage <quantity>', 'ephemeral-storage capacity of each node', '100Gi')
    .option('--node-labels <k=v,...>', 'labels to register the node with')
    .option('--register-with-taints <k=v:Effect,...>', 'taints to register the node with')
    .option('--pod-cidr <cidr>', 'the node\'s pod IP range (default: a free /24 of 10.244.0.0/16)')
    .option('--node-ip <ip>', 'the node\'s InternalIP (default: this host\'s first non-loopback IPv4)')
    .action(async (flags: AgentFlags) => runAgentCommand(flags));
}
