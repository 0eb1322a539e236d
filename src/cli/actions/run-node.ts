// `skiff run-node`'s action: the process inside a node container (started by `skiff start`, not by
// hand). Loaded only when the command runs (../commands/run-node.ts registers it).
import { runNodeProcess } from '../../cluster/nodeprocess.js';
import { DockerContainerEngine } from '../../driver/docker/containers.js';
import { connect } from '../../driver/docker/engine.js';
import { UserError } from '../errors.js';
import { exitOnSignals } from '../signals.js';

export interface RunNodeFlags {
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
