// `skiff config set|get|unset|view`: persistent defaults for start's flags, as in minikube.
// Registration only: the config store (conf) loads when a subcommand runs (../actions/config.ts).
import type { Command } from 'commander';
import { CONFIG_KEY_DESCRIPTIONS } from '../../cluster/configkeys.js';

const actions = () => import('../actions/config.js');

function keysHelp(): string {
  const width = Math.max(...Object.keys(CONFIG_KEY_DESCRIPTIONS).map((k) => k.length));
  return `\nKeys:\n${Object.entries(CONFIG_KEY_DESCRIPTIONS).map(([k, d]) => `  ${k.padEnd(width)}  ${d}`).join('\n')}\n`;
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('set, get, unset or view defaults for skiff\'s flags').addHelpText('after', keysHelp());
  config
    .command('set <key> <value>')
    .description('store a default')
    .action(async (key: string, value: string) => void process.stderr.write((await actions()).runConfigSet(key, value).stderr));
  config
    .command('get <key>')
    .description('print a stored default')
    .action(async (key: string) => void process.stdout.write((await actions()).runConfigGet(key)));
  config
    .command('unset <key>')
    .description('remove a stored default')
    .action(async (key: string) => (await actions()).runConfigUnset(key));
  config
    .command('view')
    .description('print every stored default')
    .option('-o, --output <format>', 'text or json')
    .action(async (flags: { output?: string }) => void process.stdout.write((await actions()).runConfigView(flags)));
}
