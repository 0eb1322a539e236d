// `skiff node add | delete | list`'s actions, loaded only when one of them runs
// (../commands/node.ts registers them).
import { addNode, deleteNode } from '../../cluster/nodes.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { formatTable, outputFormat } from '../output/format.js';
import { profileOf, withReporter, type CommonFlags } from './common.js';
import { clusterNodes } from './lifecycle.js';

export async function add(flags: CommonFlags & { wait: string }): Promise<void> {
  const profile = profileOf(flags);
  const added = await withReporter(flags, (sink) => addNode(new DockerDriver(), sink, { profile, wait: flags.wait !== 'false' }));
  process.stderr.write(`Node ${added.name} (${added.ip}) joined "${profile}"\n`);
}

/** `skiff node delete` (delete is a reserved word). */
export async function remove(name: string, flags: CommonFlags): Promise<void> {
  const profile = profileOf(flags);
  await withReporter(flags, (sink) => deleteNode(new DockerDriver(), sink, profile, name));
  process.stderr.write(`Node ${name} deleted from "${profile}"\n`);
}

export async function list(flags: CommonFlags): Promise<void> {
  const format = outputFormat(flags.output, ['text', 'json', 'table'] as const);
  const nodes = await clusterNodes(profileOf(flags));
  if (format === 'json') process.stdout.write(`${JSON.stringify(nodes)}\n`);
  else if (format === 'table') process.stdout.write(formatTable(['NAME', 'ROLE', 'IP'], nodes.map((n) => [n.name, n.role, n.ip])));
  else for (const n of nodes) process.stdout.write(`${n.name}\t${n.ip}\n`);
}
