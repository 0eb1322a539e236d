// `skiff service NAME [--url]` and `skiff service list`: a Service's node ports on 127.0.0.1
// through a detached host proxy (src/cluster/hostproxy.ts), and every Service with its URLs.
// The hidden `skiff host-proxy` is that proxy's process.
import type { Command } from 'commander';
import { runHostProxy, type Forward } from '../../cluster/hostproxy.js';
import { exposeService, listServices } from '../../cluster/services.js';
import { UserError } from '../errors.js';
import { formatTable, outputFormat } from '../output/format.js';
import { PlainReporter } from '../output/plain.js';
import { engineCall, profileOf, type CommonFlags } from './common.js';
import { profileFlag } from './profileflag.js';
import { openInBrowser } from './browser.js';

interface ServiceFlags extends CommonFlags {
  namespace: string;
  url?: boolean;
}

export function renderServiceTable(rows: Awaited<ReturnType<typeof listServices>>): string {
  return formatTable(['NAMESPACE', 'NAME', 'TARGET PORT', 'URL'], rows.map((r) => [r.namespace, r.name, r.targetPort, r.urls.join(' ')]));
}

export function registerService(program: Command): void {
  const service = profileFlag(program.command('service').description('reach a NodePort Service from the host: prints its URL (and opens it)'))
    .argument('<name>', 'the Service')
    .option('-n, --namespace <ns>', 'the Service\'s namespace', 'default')
    .option('--url', 'print the URLs (one per port) and exit, opening no browser')
    .action(async (name: string, flags: ServiceFlags) => {
      const profile = profileOf(flags);
      // Plain lines even on a terminal: there are no steps to animate, and loading ink costs a second.
      const urls = await engineCall((driver) => exposeService(driver, new PlainReporter(process.stderr), { profile, namespace: flags.namespace, name }));
      for (const url of urls) process.stdout.write(`${url}\n`);
      if (flags.url) return;
      for (const url of urls) {
        const opened = await openInBrowser(url);
        process.stderr.write(opened.ok ? `Opened ${url} in the browser\n` : `! No browser opened (${opened.why}): open ${url} yourself\n`);
      }
    });
  // `service list` is a subcommand of a command that takes an argument, as in minikube.
  profileFlag(service.command('list').description('list every Service with its node-port URLs'))
    .option('-n, --namespace <ns>', 'only this namespace (default: all)')
    .option('-o, --output <format>', 'table or json')
    .action(async (flags: CommonFlags & { namespace?: string }) => {
      const format = outputFormat(flags.output, ['table', 'json'] as const);
      const rows = await engineCall((driver) => listServices(driver, profileOf(flags), flags.namespace));
      process.stdout.write(format === 'json' ? `${JSON.stringify(rows)}\n` : renderServiceTable(rows));
    });

  program.command('host-proxy', { hidden: true })
    .description('the host proxy process `skiff service` starts (not for direct use)')
    .requiredOption('--record <file>', 'where to write pid and ports once listening')
    .requiredOption('--spec <json>', 'namespace, service and forwards')
    .action(async (flags: { record: string; spec: string }) => {
      let spec: { namespace: string; service: string; forwards: Forward[] };
      try {
        spec = JSON.parse(flags.spec);
      } catch {
        throw new UserError('--spec is not JSON', 'host-proxy is started by `skiff service`');
      }
      await runHostProxy(flags.record, spec);
    });
}
