// `skiff config set|get|unset|view`: persistent defaults for start's flags, as in minikube.
import type { Command } from 'commander';
import { CONFIG_KEYS, formatConfigValue, getConfig, setConfig, unsetConfig, viewConfig } from '../../cluster/config.js';
import { ExitCode, UserError } from '../errors.js';
import { outputFormat } from '../output/format.js';

/** Keys that shape a cluster only when it is created. */
const AT_CREATION = new Set(['cpus', 'memory', 'disk-size', 'nodes', 'driver', 'kubernetes-version']);

export function runConfigSet(key: string, value: string): { stderr: string } {
  setConfig(key, value);
  const note = AT_CREATION.has(key) ? '! This takes effect when a cluster is created: `skiff delete` then `skiff start` for an existing one.\n' : '';
  return { stderr: note };
}

export function runConfigGet(key: string): string {
  const value = getConfig(key);
  if (value === undefined) throw new UserError(`${key} is not set`, `set it with \`skiff config set ${key} VALUE\``, ExitCode.notFound);
  return `${formatConfigValue(value)}\n`;
}

export function runConfigView(flags: { output?: string }): string {
  const format = outputFormat(flags.output, ['text', 'json'] as const);
  const all = viewConfig();
  if (format === 'json') return `${JSON.stringify(all)}\n`;
  return Object.entries(all).map(([k, v]) => `- ${k}: ${formatConfigValue(v)}\n`).join('');
}

function keysHelp(): string {
  const width = Math.max(...Object.keys(CONFIG_KEYS).map((k) => k.length));
  return `\nKeys:\n${Object.entries(CONFIG_KEYS).map(([k, s]) => `  ${k.padEnd(width)}  ${s.description}`).join('\n')}\n`;
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('set, get, unset or view defaults for skiff\'s flags').addHelpText('after', keysHelp());
  config
    .command('set <key> <value>')
    .description('store a default')
    .action((key: string, value: string) => void process.stderr.write(runConfigSet(key, value).stderr));
  config
    .command('get <key>')
    .description('print a stored default')
    .action((key: string) => void process.stdout.write(runConfigGet(key)));
  config
    .command('unset <key>')
    .description('remove a stored default')
    .action((key: string) => unsetConfig(key));
  config
    .command('view')
    .description('print every stored default')
    .option('-o, --output <format>', 'text or json')
    .action((flags: { output?: string }) => void process.stdout.write(runConfigView(flags)));
}
