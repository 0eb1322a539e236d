// `skiff node add | delete | list`: the cluster's nodes, on a running cluster.
import type { Command } from 'commander';
import { addNode, deleteNode } from '../../cluster/nodes.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { formatTable, outputFormat } from '../output/format.js';
import { profileOf, withReporter, type CommonFlags } from './common.js';
import { clusterNodes } from './lifecycle.js';
import { profileFlag } from './profileflag.js';

export function registerNode(program: Command): void {
  const node = program.command('node').description('add, delete or list the cluster\'s nodes');

  profileFlag(node.command('add').description('add a worker node to the running cluster (<profile>-mNN)'))
    .option('--worker', 'a worker node (the only kind that can be added)', true)
    .option('--wait <bool>', 'wait for the node to be Ready', 'true')
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags & { wait: string }) => {
      const profile = profileOf(flags);
      const added = await withReporter(flags, (sink) => addNode(new DockerDriver(), sink, { profile, wait: flags.wait !== 'false' }));
      process.stderr.write(`Node ${added.name} (${added.ip}) joined "${profile}"\n`);
    });

  profileFlag(node.command('delete').description('delete a worker node: its Node object (no drain), container and volume'))
    .argument('<name>', 'the node, as `skiff node list` names it')
    .option('-o, --output <format>', 'progress as json')
    .action(async (name: string, flags: CommonFlags) => {
      const profile = profileOf(flags);
      await withReporter(flags, (sink) => deleteNode(new DockerDriver(), sink, profile, name));
      process.stderr.write(`Node ${name} deleted from "${profile}"\n`);
    });

  profileFlag(node.command('list').description('list the nodes and their addresses'))
    .option('-o, --output <format>', 'json for machine-readable output')
    .action(async (flags: CommonFlags) => {
      const format = outputFormat(flags.output, ['text', 'json', 'table'] as const);
      const nodes = await clusterNodes(profileOf(flags));
      if (format === 'json') process.stdout.write(`${JSON.stringify(nodes)}\n`);
      else if (format === 'table') process.stdout.write(formatTable(['NAME', 'ROLE', 'IP'], nodes.map((n) => [n.name, n.role, n.ip])));
      else for (const n of nodes) process.stdout.write(`${n.name}\t${n.ip}\n`);
    });
}
