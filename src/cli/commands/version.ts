// `skiff version [-o json] [--short]`: skiff's version, the Kubernetes version its API speaks, and Node's.
import type { Command } from 'commander';
import { KUBERNETES_VERSION, SKIFF_VERSION } from '../../api/version.js';
import { outputFormat } from '../output/format.js';

export interface VersionInfo {
  skiffVersion: string;
  kubernetesVersion: string;
  nodeVersion: string;
}

export function versionInfo(): VersionInfo {
  return { skiffVersion: `v${SKIFF_VERSION}`, kubernetesVersion: KUBERNETES_VERSION.gitVersion, nodeVersion: process.version };
}

export function renderVersion(info: VersionInfo, flags: { output?: string; short?: boolean }): string {
  const format = outputFormat(flags.output, ['text', 'json'] as const);
  if (format === 'json') return `${JSON.stringify(flags.short ? { skiffVersion: info.skiffVersion } : info)}\n`;
  if (flags.short) return `${info.skiffVersion}\n`;
  return `skiff version: ${info.skiffVersion}\nkubernetes version: ${info.kubernetesVersion}\nnode version: ${info.nodeVersion}\n`;
}

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the version of skiff, of the Kubernetes API it serves, and of Node.js')
    .option('-o, --output <format>', 'text or json')
    .option('--short', 'print only skiff\'s version')
    .action((flags: { output?: string; short?: boolean }) => {
      process.stdout.write(renderVersion(versionInfo(), flags));
    });
}
