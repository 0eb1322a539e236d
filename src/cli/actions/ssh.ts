// `skiff ssh [-n node] [-- cmd…]` and `skiff logs [-f] [-n node]`: a shell (or one command) in a
// node container through the driver's exec, and the node process's output. No SSH daemon is
// involved: like kind, the node is a container, and exec is how one gets into it.
// The actions, loaded only when ssh or logs runs (../commands/ssh.ts registers them).
import { runningControlPlane, profileNodes } from '../../cluster/access.js';
import type { Driver, Node } from '../../driver/driver.js';
import { ExitCode, UserError } from '../errors.js';
import { engineCall, profileOf, type CommonFlags } from './common.js';

/** The named node, or the control-plane node, which must be running. */
async function pickNode(driver: Driver, profile: string, name: string | undefined): Promise<Node> {
  const { nodes } = await runningControlPlane(driver, profile);
  const node = name ? nodes.find((n) => n.name === name) : nodes.find((n) => n.role === 'control-plane');
  if (!node) throw new UserError(`node "${name}" not found in profile ${profile}`, `see \`skiff node list -p ${profile}\``, ExitCode.notFound);
  const state = await node.state();
  if (state !== 'running') throw new UserError(`node ${node.name} is ${state}`, `start it with \`skiff start -p ${profile}\``, ExitCode.clusterDown);
  return node;
}

/** The shell ssh runs with no command: busybox's, which the node image carries when the host has busybox. */
export const NODE_SHELL = ['/bin/sh', '-l'];

/** 126/127: the runtime could not run the command (none such, not executable). */
export function noShell(code: number, cmd: string[]): boolean {
  return cmd === NODE_SHELL && (code === 126 || code === 127);
}

async function attach(node: Node, cmd: string[]): Promise<number> {
  const stdin = process.stdin;
  const tty = Boolean(stdin.isTTY && process.stdout.isTTY);
  if (tty) stdin.setRawMode(true);
  try {
    return await node.execAttached(cmd, {
      stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      tty,
      size: tty ? { rows: process.stdout.rows, columns: process.stdout.columns } : undefined,
      onResizable: (resize) => process.stdout.on('resize', () => resize({ rows: process.stdout.rows, columns: process.stdout.columns })),
    });
  } finally {
    if (tty) stdin.setRawMode(false);
    // stdin was only borrowed: let the process end.
    stdin.pause();
    stdin.destroy();
  }
}

export async function ssh(cmd: string[], flags: CommonFlags & { node?: string }): Promise<void> {
  const profile = profileOf(flags);
  const command = cmd.length > 0 ? cmd : NODE_SHELL;
  const code = await engineCall(async (driver) => attach(await pickNode(driver, profile, flags.node), command));
  if (noShell(code, command)) {
    throw new UserError('the node image has no shell', 'install busybox-static on the host (apt-get install busybox-static), then `skiff delete` and `skiff start` to make the nodes from the new image', ExitCode.notFound);
  }
  process.exitCode = code;
}

export async function logs(flags: CommonFlags & { node?: string; follow?: boolean; length?: string }): Promise<void> {
  const profile = profileOf(flags);
  const tail = flags.length !== undefined ? Number(flags.length) : undefined;
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UserError(`invalid --length "${flags.length}"`, 'give a whole number of lines');
  await engineCall(async (driver) => {
    const nodes = await profileNodes(driver, profile);
    const node = flags.node ? nodes.find((n) => n.name === flags.node) : nodes.find((n) => n.role === 'control-plane');
    if (!node) throw new UserError(`node "${flags.node}" not found in profile ${profile}`, `see \`skiff node list -p ${profile}\``, ExitCode.notFound);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    await node.logs({ stdout: process.stdout, stderr: process.stderr }, { follow: flags.follow, tail, signal: abort.signal });
  });
}
