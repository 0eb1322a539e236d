// `skiff start | stop | delete | status | ip | kubectl`: thin wrappers over src/cluster/lifecycle.ts.
// Progress goes to stderr through the chosen reporter; data (status) to stdout.
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { validateAddons } from '../../cluster/addons.js';
import { getConfig, parseSizeMiB } from '../../cluster/config.js';
import { clusterStatus, deleteCluster, listClusterNodes, startCluster, stopCluster } from '../../cluster/lifecycle.js';
import { listProfiles, loadProfile, profileExists, profileNameProblem, skiffHome, validateProfileName } from '../../cluster/profiles.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { ExitCode, UserError } from '../errors.js';
import { formatSeconds } from '../output/index.js';
import { asUserError, engineCall, profileOf, withReporter, type CommonFlags } from './common.js';
import { profileFlag } from './profileflag.js';

export async function clusterNodes(profile: string): Promise<{ name: string; role: string; ip: string }[]> {
  const nodes = await engineCall((driver) => listClusterNodes(driver, validateProfileName(profile)));
  if (nodes.length === 0) throw new UserError(`profile "${profile}" not found`, `start it with \`skiff start -p ${profile}\``, ExitCode.notFound);
  return nodes;
}

export interface StartFlags extends CommonFlags {
  nodes?: string;
  cpus?: string;
  memory?: string;
  addons?: string;
  wait: string;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new UserError(`invalid ${flag} "${raw}"`, `give a whole number from ${min} to ${max}`);
  return n;
}

function configNumber(key: string): number | undefined {
  const v = getConfig(key);
  return typeof v === 'number' ? v : undefined;
}

/**
 * start's settings: the flags, else for a new cluster `skiff config set` defaults, else for an
 * existing one what it was created with (a restart keeps its nodes and sizes).
 */
export function startSettings(profile: string, flags: StartFlags): { nodes: number; cpus?: number; memoryMiB?: number; addons: string[] } {
  const stored = profileExists(profile) ? loadProfile(profile) : undefined;
  const nodes = flags.nodes !== undefined ? wholeNumber('--nodes', flags.nodes, 1, 20) : stored ? 1 : (configNumber('nodes') ?? 1);
  if (nodes > 20) throw new UserError(`invalid nodes "${nodes}" (from skiff config)`, 'give a whole number from 1 to 20: skiff config set nodes 3');
  const cpus = flags.cpus !== undefined ? wholeNumber('--cpus', flags.cpus, 1, 1024) : stored ? stored.cpus : configNumber('cpus');
  let memoryMiB = stored ? stored.memoryMiB : configNumber('memory');
  if (flags.memory !== undefined) {
    memoryMiB = parseSizeMiB(flags.memory);
    if (memoryMiB === undefined) throw new UserError(`invalid --memory "${flags.memory}"`, 'give a size such as 4g, 4096mb or 4096 (MiB)');
  }
  const fromConfig = getConfig('addons');
  const wanted = flags.addons !== undefined ? flags.addons.split(',') : !stored && Array.isArray(fromConfig) ? fromConfig : [];
  return { nodes, cpus, memoryMiB, addons: validateAddons(wanted) };
}

/**
 * The profiles of this $SKIFF_HOME. Not every profile label on the engine: another SKIFF_HOME (a
 * second user, parallel test runs) has its own, and `delete --all` must not reach into them.
 */
function allProfiles(): string[] {
  const { valid, invalid } = listProfiles();
  return [...new Set([...valid.map((p) => p.name), ...invalid.map((p) => p.name)])].sort();
}

export function registerLifecycle(program: Command): void {
  profileFlag(program.command('start').description('start a local Kubernetes cluster (nodes are Docker containers)'))
    .option('-n, --nodes <n>', 'nodes in the cluster, the control plane included (default: skiff config nodes, else 1)')
    .option('--cpus <n>', 'cpus for each node (default: skiff config cpus)')
    .option('--memory <size>', 'memory for each node: 4g, 4096mb or MiB (default: skiff config memory)')
    .option('--addons <a,b>', 'addons to enable (recorded in the profile)')
    .option('--wait <bool>', 'wait for the node to be Ready', 'true')
    .option('-o, --output <format>', 'progress as json')
    .action(async (flags: StartFlags) => {
      const profile = profileOf(flags);
      const settings = startSettings(profile, flags);
      const result = await withReporter(flags, async (sink) => {
        if (settings.addons.length > 0) sink.emit({ type: 'warn', message: `addons are not run yet: ${settings.addons.join(', ')} recorded in the profile` });
        return startCluster(new DockerDriver(), sink, { profile, ...settings, wait: flags.wait !== 'false' });
      });
      process.stderr.write(`Done! kubectl is now configured to use "${result.profile}" (${result.server}) in ${formatSeconds(result.ms)}\n`);
    });

  profileFlag(program.command('stop').description('stop the cluster, keeping its state'))
    .action(async (flags: CommonFlags) => {
      const profile = profileOf(flags);
      const stopped = await withReporter(flags, (sink) => stopCluster(new DockerDriver(), sink, profile));
      if (stopped === 0) throw new UserError(`profile "${profile}" has no nodes`, `start it with \`skiff start -p ${profile}\``, ExitCode.notFound);
    });

  profileFlag(program.command('delete').description('delete the cluster: its containers, network, volumes and kubeconfig entries'))
    .option('--all', 'delete every profile')
    .option('--purge', 'with --all: also remove skiff\'s state directory ($SKIFF_HOME, else ~/.skiff)')
    .action(async (flags: CommonFlags & { all?: boolean; purge?: boolean }) => {
      const driver = new DockerDriver();
      if (!flags.all) {
        const profile = profileOf(flags);
        if (flags.purge) {
          const others = listProfiles().valid.map((p) => p.name).filter((n) => n !== profile);
          if (others.length > 0) throw new UserError(`--purge would remove the state of other profiles too (${others.join(', ')})`, 'delete them all with `skiff delete --all --purge`');
        }
        await withReporter(flags, (sink) => deleteCluster(driver, sink, profile));
        if (flags.purge) rmSync(skiffHome(), { recursive: true, force: true });
        return;
      }
      const profiles = allProfiles();
      await withReporter(flags, async (sink) => {
        for (const name of profiles) {
          if (profileNameProblem(name)) {
            sink.emit({ type: 'warn', message: `skipped "${name}": not a profile name${flags.purge ? ' (removed with the state directory)' : ''}` });
            continue;
          }
          await deleteCluster(driver, sink, name);
        }
      });
      if (flags.purge) rmSync(skiffHome(), { recursive: true, force: true });
      process.stderr.write(`Deleted ${profiles.length} profile${profiles.length === 1 ? '' : 's'}${flags.purge ? ` and ${skiffHome()}` : ''}\n`);
    });

  profileFlag(program.command('ip').description('print a node\'s IP address (the control plane\'s by default)'))
    .option('-n, --node <name>', 'the node')
    .action(async (flags: CommonFlags & { node?: string }) => {
      const profile = profileOf(flags);
      const nodes = await clusterNodes(profile);
      const node = flags.node ? nodes.find((n) => n.name === flags.node) : nodes.find((n) => n.role === 'control-plane');
      if (!node) throw new UserError(`node "${flags.node}" not found in profile ${profile}`, `see \`skiff node list -p ${profile}\``, ExitCode.notFound);
      process.stdout.write(`${node.ip}\n`);
    });

  profileFlag(program.command('kubectl').description('run the kubectl on PATH against this profile\'s cluster: skiff kubectl -- get pods'))
    .argument('[args...]', 'kubectl arguments (after --)')
    .action(async (args: string[], flags: CommonFlags) => {
      const child = spawn('kubectl', ['--context', profileOf(flags), ...args], { stdio: 'inherit' });
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
      const profile = profileOf(flags);
      let nodes;
      try {
        nodes = await clusterStatus(new DockerDriver(), profile);
      } catch (err) {
        throw asUserError(err);
      }
      if (nodes.length === 0) throw new UserError(`profile "${profile}" not found`, `start it with \`skiff start -p ${profile}\``, ExitCode.notFound);
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(nodes.map((n) => ({ Name: n.name, Host: n.host, APIServer: n.apiServer })))}\n`);
      else for (const n of nodes) process.stdout.write(`${n.name}\ntype: ${n.role === 'control-plane' ? 'Control Plane' : 'Worker'}\nhost: ${n.host}\n${n.apiServer ? `apiserver: ${n.apiServer}\n` : ''}\n`);
      if (nodes.some((n) => n.host !== 'Running' || (n.apiServer && n.apiServer !== 'Running'))) process.exitCode = ExitCode.clusterDown;
    });
}
