// `skiff agent`: the node agent (kubelet) for one node, or `--count N` hollow nodes, in this process.
// Registration only: the kubelet and the Docker runtime load when the command runs (../actions/agent.ts).
import type { Command } from 'commander';
import type { AgentFlags } from '../actions/agent.js';

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the node agent (kubelet) for one node, or --count hollow nodes')
    .requiredOption('--kubeconfig <file>', 'kubeconfig to reach the API server with')
    .requiredOption('--node-name <name>', 'the Node to register (with --count: the prefix of NAME-0 … NAME-N-1)')
    .option('--runtime <runtime>', 'container runtime: docker (pods as containers) or fake (hollow pods, no containers)', 'fake')
    .option('--count <n>', 'run this many hollow nodes in this process')
    .option('--cpu <quantity>', 'cpu capacity of each node', '4')
    .option('--memory <quantity>', 'memory capacity of each node', '8Gi')
    .option('--pods <n>', 'pod capacity of each node', '110')
    .option('--ephemeral-storage <quantity>', 'ephemeral-storage capacity of each node', '100Gi')
    .option('--node-labels <k=v,...>', 'labels to register the node with')
    .option('--register-with-taints <k=v:Effect,...>', 'taints to register the node with')
    .option('--pod-cidr <cidr>', 'the node\'s pod IP range (default: a free /24 of 10.244.0.0/16)')
    .option('--node-ip <ip>', 'the node\'s InternalIP (default: this host\'s first non-loopback IPv4)')
    .option('--cluster-cidr <cidr>', 'the range nodes take their /24 pod ranges from (default 10.244.0.0/16)')
    .option('--profile <name>', 'docker runtime: the profile whose network and labels pods get')
    .option('--network <name>', 'docker runtime: the network pods join (default skiff-<profile>)')
    .option('--sandbox-image <tag>', 'docker runtime: the pod sandbox image')
    .option('--node-container <id>', 'docker runtime: the node\'s container, whose network hostNetwork pods share (default: the node name)')
    .option('--cluster-dns <ip>', 'the DNS server pods use', '10.96.0.10')
    .option('--kubelet-port <port>', 'the kubelet server\'s port (logs, exec, attach, port-forward); 0 picks a free one (default 10250; with --runtime fake a free one)')
    .action(async (flags: AgentFlags) => (await import('../actions/agent.js')).runAgentCommand(flags));
}
