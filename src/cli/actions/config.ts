// `skiff config set|get|unset|view`'s actions: persistent defaults for start's flags, as in
// minikube. Loaded only when a config command runs (conf is not cheap to load).
import { formatConfigValue, getConfig, setConfig, unsetConfig, viewConfig } from '../../cluster/config.js';
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

export function runConfigUnset(key: string): void {
  unsetConfig(key);
}

export function runConfigView(flags: { output?: string }): string {
  const format = outputFormat(flags.output, ['text', 'json'] as const);
  const all = viewConfig();
  if (format === 'json') return `${JSON.stringify(all)}\n`;
  return Object.entries(all).map(([k, v]) => `- ${k}: ${formatConfigValue(v)}\n`).join('');
}
