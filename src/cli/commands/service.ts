// `skiff service NAME [--url]` and `skiff service list`: a Service's node ports on 127.0.0.1
// through a detached host proxy (src/cluster/hostproxy.ts), and every Service with its URLs.
// The hidden `skiff host-proxy` is that proxy's process.
// Registration only: the proxy and the driver load when a command runs (../actions/service.ts).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import type { ServiceFlags } from '../actions/service.js';
import { profileFlag } from './profileflag.js';

const actions = () => import('../actions/service.js');

export function registerService(program: Command): void {
  const service = profileFlag(program.command('service').description('reach a NodePort Service from the host: prints its URL (and opens it)'))
    .argument('<name>', 'the Service')
    .option('-n, --namespace <ns>', 'the Service\'s namespace', 'default')
    .option('--url', 'print the URLs (one per port) and exit, opening no browser')
    .action(async (name: string, flags: ServiceFlags) => (await actions()).expose(name, flags));
  // `service list` is a subcommand of a command that takes an argument, as in minikube.
  profileFlag(service.command('list').description('list every Service with its node-port URLs'))
    .option('-n, --namespace <ns>', 'only this namespace (default: all)')
    .option('-o, --output <format>', 'table or json')
    .action(async (flags: CommonFlags & { namespace?: string }) => (await actions()).list(flags));

  program.command('host-proxy', { hidden: true })
    .description('the host proxy process `skiff service` starts (not for direct use)')
    .requiredOption('--record <file>', 'where to write pid and ports once listening')
    .requiredOption('--spec <json>', 'namespace, service and forwards')
    .action(async (flags: { record: string; spec: string }) => (await actions()).hostProxy(flags));
}
