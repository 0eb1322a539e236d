// `skiff node add | delete | list`: the cluster's nodes, on a running cluster.
// Registration only: the driver loads when a subcommand runs (../actions/node.ts).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import { profileFlag } from './profileflag.js';

const actions = () => import('../actions/node.js');

export function registerNode(program: Command): void {
  const node = program.command('node').description('add, delete or list the cluster\'s nodes');

  profileFlag(node.command('add').description('add a worker node to the running cluster (<profile>-mNN)'))
    .option('--worker', 'a worker node (the only kind that can be added)', true)
    .option('--wait <bool>', 'wait for the node to be Ready', 'true')
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags & { wait: string }) => (await actions()).add(flags));

  profileFlag(node.command('delete').description('delete a worker node: its Node object (no drain), container and volume'))
    .argument('<name>', 'the node, as `skiff node list` names it')
    .option('-o, --output <format>', 'progress as json')
    .action(async (name: string, flags: CommonFlags) => (await actions()).remove(name, flags));

  profileFlag(node.command('list').description('list the nodes and their addresses'))
    .option('-o, --output <format>', 'json for machine-readable output')
    .action(async (flags: CommonFlags) => (await actions()).list(flags));
}
