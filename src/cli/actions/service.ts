// `skiff service NAME [--url]`, `skiff service list` and the hidden `skiff host-proxy`'s actions,
// loaded only when one of them runs (../commands/service.ts registers them).
import { runHostProxy, type Forward } from '../../cluster/hostproxy.js';
import { exposeService, listServices } from '../../cluster/services.js';
import { UserError } from '../errors.js';
import { formatTable, outputFormat } from '../output/format.js';
import { PlainReporter } from '../output/plain.js';
import { engineCall, profileOf, type CommonFlags } from './common.js';
import { openInBrowser } from './browser.js';

export interface ServiceFlags extends CommonFlags {
  namespace: string;
  url?: boolean;
}

export function renderServiceTable(rows: Awaited<ReturnType<typeof listServices>>): string {
  return formatTable(['NAMESPACE', 'NAME', 'TARGET PORT', 'URL'], rows.map((r) => [r.namespace, r.name, r.targetPort, r.urls.join(' ')]));
}

export async function expose(name: string, flags: ServiceFlags): Promise<void> {
  const profile = profileOf(flags);
  // Plain lines even on a terminal: there are no steps to animate, and loading ink costs a second.
  const urls = await engineCall((driver) => exposeService(driver, new PlainReporter(process.stderr), { profile, namespace: flags.namespace, name }));
  for (const url of urls) process.stdout.write(`${url}\n`);
  if (flags.url) return;
  for (const url of urls) {
    const opened = await openInBrowser(url);
    process.stderr.write(opened.ok ? `Opened ${url} in the browser\n` : `! No browser opened (${opened.why}): open ${url} yourself\n`);
  }
}

export async function list(flags: CommonFlags & { namespace?: string }): Promise<void> {
  const format = outputFormat(flags.output, ['table', 'json'] as const);
  const rows = await engineCall((driver) => listServices(driver, profileOf(flags), flags.namespace));
  process.stdout.write(format === 'json' ? `${JSON.stringify(rows)}\n` : renderServiceTable(rows));
}

export async function hostProxy(flags: { record: string; spec: string }): Promise<void> {
  let spec: { namespace: string; service: string; forwards: Forward[] };
  try {
    spec = JSON.parse(flags.spec);
  } catch {
    throw new UserError('--spec is not JSON', 'host-proxy is started by `skiff service`');
  }
  await runHostProxy(flags.record, spec);
}
