// `skiff start | stop | delete | status`: thin wrappers over src/cluster/lifecycle.ts. Progress goes
// to stderr through the chosen reporter; data (status) to stdout.
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { clusterStatus, deleteCluster, listClusterNodes, startCluster, stopCluster } from '../../cluster/lifecycle.js';
import { DEFAULT_PROFILE, validateProfileName } from '../../cluster/profiles.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { DockerUnavailableError } from '../../driver/errors.js';
import { ExitCode, UserError } from '../errors.js';
import { chooseReporter, formatSeconds, type Reporter } from '../output/index.js';

interface CommonFlags {
  profile: string;
  output?: string;
}

/** The Docker engine's own problems become the fix a user can act on (exit code 3). */
function asUserError(err: unknown): unknown {
  if (err instanceof DockerUnavailableError) return new UserError(err.message, err.fix, ExitCode.dockerUnavailable);
  return err;
}

async function withReporter<T>(flags: CommonFlags, fn: (reporter: Reporter) => Promise<T>): Promise<T> {
  const reporter = await chooseReporter({ output: flags.output, isTTY: Boolean(process.stderr.isTTY) });
  try {
    return await fn(reporter);
  } catch (err) {
    throw asUserError(err);
  } finally {
    await reporter.close();
  }
}

async function clusterNodes(profile: string): Promise<{ name: string; role: string; ip: string }[]> {
  let nodes;
  try {
    nodes = await listClusterNodes(new DockerDriver(), validateProfileName(profile));
  } catch (err) {
    throw asUserError(err);
  }
  if (nodes.length === 0) throw new UserError(`profile "${profile}" not found`, `start it with \`skiff start -p ${profile}\``, ExitCode.notFound);
  return nodes;
}

function profileFlag(cmd: Command): Command {
  return cmd.option('-p, --profile <name>', 'the profile (cluster) to act on', DEFAULT_PROFILE);
}

export function registerLifecycle(program: Command): void {
  profileFlag(program.command('start').description('start a local Kubernetes cluster (nodes are Docker containers)'))
    .option('-n, --nodes <n>', 'nodes in the cluster, the control plane included', '1')
    .option('--cpus <n>', 'cpus for the node')
    .option('--memory <mib>', 'memory for the node in MiB')
    .option('--wait <bool>', 'wait for the node to be Ready', 'true')
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: CommonFlags & { nodes: string; cpus?: string; memory?: string; wait: string }) => {
      const profile = validateProfileName(flags.profile);
      const nodes = Number(flags.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 20) throw new UserError(`invalid --nodes "${flags.nodes}"`, 'give a whole number from 1 to 20');
      const result = await withReporter(flags, (sink) => startCluster(new DockerDriver(), sink, {
        profile,
        nodes,
        cpus: flags.cpus ? Number(flags.cpus) : undefined,
        memoryMiB: flags.memory ? Number(flags.memory) : undefined,
        wait: flags.wait !== 'false',
      }));
      process.stderr.write(`Done! kubectl is now configured to use "${result.profile}" (${result.server}) in ${formatSeconds(result.ms)}\n`);
    });

  profileFlag(program.command('stop').description('stop the cluster, keeping its state'))
    .action(async (flags: CommonFlags) => {
      const stopped = await withReporter(flags, (sink) => stopCluster(new DockerDriver(), sink, validateProfileName(flags.profile)));
      if (stopped === 0) throw new UserError(`profile "${flags.profile}" has no nodes`, `start it with \`skiff start -p ${flags.profile}\``, ExitCode.notFound);
    });

  profileFlag(program.command('delete').description('delete the cluster: its containers, network, volumes and kubeconfig entries'))
    .action(async (flags: CommonFlags) => {
      await withReporter(flags, (sink) => deleteCluster(new DockerDriver(), sink, validateProfileName(flags.profile)));
    });

  profileFlag(program.command('ip').description('print a node\'s IP address (the control plane\'s by default)'))
    .option('-n, --node <name>', 'the node')
    .action(async (flags: CommonFlags & { node?: string }) => {
      const nodes = await clusterNodes(flags.profile);
      const node = flags.node ? nodes.find((n) => n.name === flags.node) : nodes.find((n) => n.role === 'control-plane');
      if (!node) throw new UserError(`node "${flags.node}" not found in profile ${flags.profile}`, `see \`skiff node list -p ${flags.profile}\``, ExitCode.notFound);
      process.stdout.write(`${node.ip}\n`);
    });

  const node = program.command('node').description('manage the cluster\'s nodes');
  profileFlag(node.command('list').description('list the nodes and their addresses'))
    .option('-o, --output <format>', 'json for machine-readable output')
    .action(async (flags: CommonFlags) => {
      const nodes = await clusterNodes(flags.profile);
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(nodes)}\n`);
      else for (const n of nodes) process.stdout.write(`${n.name}\t${n.ip}\n`);
    });

  profileFlag(program.command('kubectl').description('run the kubectl on PATH against this profile\'s cluster: skiff kubectl -- get pods'))
    .argument('[args...]', 'kubectl arguments (after --)')
    .action(async (args: string[], flags: CommonFlags) => {
      const child = spawn('kubectl', ['--context', validateProfileName(flags.profile), ...args], { stdio: 'inherit' });
      const code = await new Promise<number>((resolve) => {
        child.on('error', () => resolve(-1));
        child.on('exit', (c) => resolve(c ?? 1));
      });
      if (code === -1) throw new UserError('kubectl is not on PATH', 'install kubectl (https://kubernetes.io/docs/tasks/tools/)', ExitCode.notFound);
      process.exitCode = code;
    });

  profileFlag(program.command('status').description('show whether the cluster\'s nodes and API server run (exit code 5 if not)'))
    .option('-o, --output <format>', 'json for machine-readable output')
    .action(async (flags: CommonFlags) => {
      let nodes;
      try {
        nodes = await clusterStatus(new DockerDriver(), validateProfileName(flags.profile));
      } catch (err) {
        throw asUserError(err);
      }
      if (nodes.length === 0) throw new UserError(`profile "${flags.profile}" not found`, `start it with \`skiff start -p ${flags.profile}\``, ExitCode.notFound);
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(nodes.map((n) => ({ Name: n.name, Host: n.host, APIServer: n.apiServer })))}\n`);
      else for (const n of nodes) process.stdout.write(`${n.name}\ntype: ${n.role === 'control-plane' ? 'Control Plane' : 'Worker'}\nhost: ${n.host}\n${n.apiServer ? `apiserver: ${n.apiServer}\n` : ''}\n`);
      if (nodes.some((n) => n.host !== 'Running' || (n.apiServer && n.apiServer !== 'Running'))) process.exitCode = ExitCode.clusterDown;
    });
}
