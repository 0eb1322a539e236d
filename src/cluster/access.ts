// Reaching a running cluster from the host: its control-plane node, the API server's current
// host port (a new one on every start) and the admin credential, kept in the profile's directory
// as a kubeconfig (mode 0600) so commands need not ask the node for it each time.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ExitCode, UserError } from './errors.js';
import { ApiClient } from '../client/client.js';
import type { Driver, Node } from '../driver/driver.js';
import { clusterServer, mergeKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { ADMIN_KUBECONFIG, API_SERVER_PORT } from './nodeconsts.js';
import { loadProfile, profileDir, profileExists, saveProfile } from './profiles.js';

export interface AdminCredential {
  caPem: string;
  token: string;
}

/** The profile's admin kubeconfig on the host (its server is the port of the last start). */
export function adminKubeconfigPath(profile: string): string {
  return join(profileDir(profile), 'admin.kubeconfig');
}

/** CA and token of a kubeconfig the control plane wrote (one cluster, one user). */
export function parseAdminKubeconfig(text: string): AdminCredential {
  const doc = yaml.load(text) as { clusters?: { cluster: Record<string, string> }[]; users?: { user: { token?: string } }[] } | undefined;
  const ca = doc?.clusters?.[0]?.cluster['certificate-authority-data'];
  const token = doc?.users?.[0]?.user.token;
  if (!ca || !token) throw new Error('the admin kubeconfig has no CA data or no token');
  return { caPem: Buffer.from(ca, 'base64').toString('utf8'), token };
}

export function saveAdminCredential(profile: string, server: string, cred: AdminCredential): void {
  mkdirSync(profileDir(profile), { recursive: true, mode: 0o700 });
  writeKubeconfig(adminKubeconfigPath(profile), { name: profile, server, ...cred });
}

/** A file from a node's state volume, read by the node's own `node` (there may be no shell). */
export async function readNodeFile(node: Node, path: string): Promise<string> {
  const r = await node.exec(['node', '-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(path)},'utf8'))`]);
  if (r.code !== 0) throw new Error(`failed to read ${path} on node ${node.name}: ${r.stderr.trim()}`);
  return r.stdout;
}

export interface ClusterAccess {
  controlPlane: Node;
  nodes: Node[];
  server: string;
  credential: AdminCredential;
  client: ApiClient;
}

/** The profile's nodes; a profile with none is not found (the fix: start it). */
export async function profileNodes(driver: Driver, profile: string): Promise<Node[]> {
  const nodes = await driver.listNodes(profile);
  if (nodes.length === 0) throw new UserError(`profile "${profile}" not found`, `start it with \`skiff start -p ${profile}\``, ExitCode.notFound);
  return nodes;
}

/** The control-plane node, which must be running (not stopped, not paused). */
export async function runningControlPlane(driver: Driver, profile: string): Promise<{ controlPlane: Node; nodes: Node[] }> {
  const nodes = await profileNodes(driver, profile);
  const controlPlane = nodes.find((n) => n.role === 'control-plane');
  if (!controlPlane) throw new UserError(`profile "${profile}" has no control-plane node`, `delete it with \`skiff delete -p ${profile}\` and start it again`, ExitCode.clusterDown);
  const state = await controlPlane.state();
  if (state === 'paused') throw new UserError(`the cluster "${profile}" is paused`, `unpause it with \`skiff unpause -p ${profile}\``, ExitCode.clusterDown);
  if (state !== 'running') throw new UserError(`the cluster "${profile}" is not running`, `start it with \`skiff start -p ${profile}\``, ExitCode.clusterDown);
  return { controlPlane, nodes };
}

/** The admin credential: the profile's copy, else read from the node (and kept for next time). */
async function credentialOf(profile: string, controlPlane: Node, server: string): Promise<AdminCredential> {
  const path = adminKubeconfigPath(profile);
  if (existsSync(path)) {
    try {
      return parseAdminKubeconfig(readFileSync(path, 'utf8'));
    } catch {
      // A damaged copy is replaced from the node below.
    }
  }
  const cred = parseAdminKubeconfig(await readNodeFile(controlPlane, ADMIN_KUBECONFIG));
  saveAdminCredential(profile, server, cred);
  return cred;
}

/** An API client for a running cluster, as its administrator. The caller closes access.client. */
export async function connectCluster(driver: Driver, profile: string): Promise<ClusterAccess> {
  const { controlPlane, nodes } = await runningControlPlane(driver, profile);
  const server = `https://127.0.0.1:${await controlPlane.hostPort(API_SERVER_PORT)}`;
  const credential = await credentialOf(profile, controlPlane, server);
  const client = new ApiClient({ server, ...credential, userAgent: 'skiff' });
  return { controlPlane, nodes, server, credential, client };
}

/**
 * `skiff update-context`: points the profile's kubeconfig entry at the API server's current host
 * port. Returns the server and whether the entry changed.
 */
export async function updateContext(driver: Driver, profile: string): Promise<{ server: string; changed: boolean }> {
  const access = await connectCluster(driver, profile);
  access.client.close();
  const current = clusterServer(profile);
  await mergeKubeconfig({ name: profile, server: access.server, ...access.credential });
  saveAdminCredential(profile, access.server, access.credential);
  if (profileExists(profile)) {
    const stored = loadProfile(profile);
    saveProfile({ ...stored, apiServer: { hostPort: Number(new URL(access.server).port) } });
  }
  return { server: access.server, changed: current !== access.server };
}
