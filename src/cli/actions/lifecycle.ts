// `skiff start | stop | delete | status | ip`'s actions: thin wrappers over src/cluster/lifecycle.ts,
// loaded only when one of those commands runs (../commands/lifecycle.ts registers them).
// Progress goes to stderr through the chosen reporter; data (status) to stdout.
import { rmSync } from 'node:fs';
import { validateAddons } from '../../cluster/addons.js';
import { getConfig, parseSizeMiB } from '../../cluster/config.js';
import { clusterStatus, deleteCluster, listClusterNodes, startCluster, stopCluster } from '../../cluster/lifecycle.js';
import { listProfiles, loadProfile, profileExists, profileNameProblem, skiffHome, validateProfileName } from '../../cluster/profiles.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { ExitCode, UserError } from '../errors.js';
import { formatSeconds } from '../output/index.js';
import { asUserError, engineCall, profileOf, withReporter, type CommonFlags } from './common.js';

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

export type DeleteFlags = CommonFlags & { all?: boolean; purge?: boolean };

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

export async function start(flags: StartFlags): Promise<void> {
  const profile = profileOf(flags);
  const settings = startSettings(profile, flags);
  const result = await withReporter(flags, async (sink) => {
    if (settings.addons.length > 0) sink.emit({ type: 'warn', message: `addons are not run yet: ${settings.addons.join(', ')} recorded in the profile` });
    return startCluster(new DockerDriver(), sink, { profile, ...settings, wait: flags.wait !== 'false' });
  });
  process.stderr.write(`Done! kubectl is now configured to use "${result.profile}" (${result.server}) in ${formatSeconds(result.ms)}\n`);
}

export async function stop(flags: CommonFlags): Promise<void> {
  const profile = profileOf(flags);
  const stopped = await withReporter(flags, (sink) => stopCluster(new DockerDriver(), sink, profile));
  if (stopped === 0) throw new UserError(`profile "${profile}" has no nodes`, `start it with \`skiff start -p ${profile}\``, ExitCode.notFound);
}

/** `skiff delete` (delete is a reserved word). */
export async function remove(flags: DeleteFlags): Promise<void> {
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
}

export async function ip(flags: CommonFlags & { node?: string }): Promise<void> {
  const profile = profileOf(flags);
  const nodes = await clusterNodes(profile);
  const node = flags.node ? nodes.find((n) => n.name === flags.node) : nodes.find((n) => n.role === 'control-plane');
  if (!node) throw new UserError(`node "${flags.node}" not found in profile ${profile}`, `see \`skiff node list -p ${profile}\``, ExitCode.notFound);
  process.stdout.write(`${node.ip}\n`);
}

export async function status(flags: CommonFlags): Promise<void> {
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
}
