// `skiff run-node`: the process inside a node container (started by `skiff start`, not by hand).
// Registration only: the node's components load when the command runs (../actions/run-node.ts).
import type { Command } from 'commander';
import type { RunNodeFlags } from '../actions/run-node.js';

export function registerRunNode(program: Command): void {
  program
    .command('run-node', { hidden: true })
    .description('run a node container\'s components (started by skiff start inside the node)')
    .requiredOption('--role <role>', 'control-plane or worker')
    .requiredOption('--name <name>', 'the node name')
    .requiredOption('--profile <name>', 'the profile the node belongs to')
    .requiredOption('--sandbox-image <tag>', 'the pod sandbox image')
    .requiredOption('--cluster-cidr <cidr>', 'the range node pod ranges come from')
    .option('--network <name>', 'the profile network (default skiff-<profile>)')
    .option('--service-cidr <cidr>', 'where Service ClusterIPs come from (the first /16 of the profile network)', '10.96.0.0/16')
    .option('--cluster-dns <ip>', 'the DNS server pods use', '10.96.0.10')
    .option('--cpu <quantity>', 'cpu capacity the node reports')
    .option('--memory <quantity>', 'memory capacity the node reports')
    .action(async (flags: RunNodeFlags) => (await import('../actions/run-node.js')).runNodeCommand(flags));
}
