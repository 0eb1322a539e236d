// `skiff run-node`: the process inside a node container (started by `skiff start`, not by hand).
import type { Command } from 'commander';
import { runNodeProcess } from '../../cluster/nodeprocess.js';
import { DockerContainerEngine } from '../../driver/docker/containers.js';
import { connect } from '../../driver/docker/engine.js';
import { UserError } from '../errors.js';
import { exitOnSignals } from '../signals.js';

interface RunNodeFlags {
  role: string;
  name: string;
  profile: string;
  network?: string;
  sandboxImage: string;
  clusterCidr: string;
  serviceCidr?: string;
  clusterDns: string;
  cpu?: string;
  memory?: string;
}

export async function runNodeCommand(flags: RunNodeFlags): Promise<void> {
  if (flags.role !== 'control-plane' && flags.role !== 'worker') {
    throw new UserError(`invalid --role "${flags.role}"`, 'use control-plane or worker');
  }
  const node = await runNodeProcess({
    role: flags.role,
    name: flags.name,
    profile: flags.profile,
    network: flags.network ?? `skiff-${flags.profile}`,
    sandboxImage: flags.sandboxImage,
    clusterCidr: flags.clusterCidr,
    serviceCidr: flags.serviceCidr,
    clusterDns: flags.clusterDns,
    cpu: flags.cpu,
    memory: flags.memory,
    engine: new DockerContainerEngine(connect()),
  });
  process.stderr.write(`skiff node ${flags.name} (${flags.role}) running\n`);
  exitOnSignals(() => node.stop());
}

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
    .action(async (flags: RunNodeFlags) => runNodeCommand(flags));
}
