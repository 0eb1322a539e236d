// `skiff start | stop | delete | status | ip | kubectl`: thin wrappers over src/cluster/lifecycle.ts.
// Registration only: the driver and the cluster code load when a command runs (../actions/).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import type { DeleteFlags, StartFlags } from '../actions/lifecycle.js';
import { profileFlag } from './profileflag.js';

const actions = () => import('../actions/lifecycle.js');

export function registerLifecycle(program: Command): void {
  profileFlag(program.command('start').description('start a local Kubernetes cluster (nodes are Docker containers)'))
    .option('-n, --nodes <n>', 'nodes in the cluster, the control plane included (default: skiff config nodes, else 1)')
    .option('--cpus <n>', 'cpus for each node (default: skiff config cpus)')
    .option('--memory <size>', 'memory for each node: 4g, 4096mb or MiB (default: skiff config memory)')
    .option('--addons <a,b>', 'addons to enable (recorded in the profile)')
    .option('--wait <bool>', 'wait for the node to be Ready', 'true')
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: StartFlags) => (await actions()).start(flags));

  profileFlag(program.command('stop').description('stop the cluster, keeping its state'))
    .action(async (flags: CommonFlags) => (await actions()).stop(flags));

  profileFlag(program.command('delete').description('delete the cluster: its containers, network, volumes and kubeconfig entries'))
    .option('--all', 'delete every profile')
    .option('--purge', 'with --all: also remove skiff\'s state directory ($SKIFF_HOME, else ~/.skiff)')
    .action(async (flags: DeleteFlags) => (await actions()).remove(flags));

  profileFlag(program.command('ip').description('print a node\'s IP address (the control plane\'s by default)'))
    .option('-n, --node <name>', 'the node')
    .action(async (flags: CommonFlags & { node?: string }) => (await actions()).ip(flags));

  profileFlag(program.command('kubectl').description('run the kubectl on PATH against this profile\'s cluster: skiff kubectl -- get pods'))
    .argument('[args...]', 'kubectl arguments (after --)')
    .action(async (args: string[], flags: CommonFlags) => (await import('../actions/kubectl.js')).kubectl(args, flags));

  profileFlag(program.command('status').description('show whether the cluster\'s nodes and API server run (exit code 5 if not)'))
    .option('-o, --output <format>', 'json for machine-readable output')
    .action(async (flags: CommonFlags) => (await actions()).status(flags));
}
