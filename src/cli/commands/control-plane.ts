// `skiff control-plane`: runs the API server, scheduler and controller-manager in this process.
// Registration only: the control plane loads when the command runs (../actions/control-plane.ts).
import type { Command } from 'commander';
import type { ControlPlaneFlags } from '../actions/control-plane.js';

export function registerControlPlane(program: Command): void {
  program
    .command('control-plane')
    .description('run the Kubernetes control plane (API server, scheduler, controller-manager) in this process')
    .requiredOption('--data-dir <dir>', 'where the control plane keeps its state')
    .option('--listen <host:port>', 'address to serve HTTPS on', '127.0.0.1:6443')
    .option('--kubeconfig-out <file>', 'write an admin kubeconfig here once ready')
    .option('--node-kubeconfig-out <file>', 'write the node agents\' kubeconfig (their own credential) here once ready')
    .option('--node-name <name>', 'the node this control plane runs on: its mirror pods appear there once it registers')
    .option('--advertise-address <ip>', 'the address other components use to reach this server')
    .option('--san <name>', 'an extra name or IP for the serving certificate (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--node-monitor-grace-period <seconds>', 'how long a node may miss heartbeats before it is NotReady (default 40)')
    .option('--default-toleration-seconds <seconds>', 'how long pods stay on a NotReady or unreachable node before eviction (default 300)')
    .option('--controllers <list>', 'controllers to run: * for all, foo to enable, -foo to disable, -* for none', '*')
    .option('--no-scheduler', 'do not run the scheduler (pods stay unbound)')
    .action(async (flags: ControlPlaneFlags) => (await import('../actions/control-plane.js')).runControlPlane(flags));
}
