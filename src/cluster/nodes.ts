// `skiff node add | delete` on a running cluster. A new worker is made exactly as `start` makes
// its workers (createWorker); a deleted one leaves the API first, then goes with its pods' containers.
import { ExitCode, UserError } from './errors.js';
import { isNotFound } from '../client/client.js';
import { Resources } from '../client/resources.js';
import type { Driver, Node } from '../driver/driver.js';
import { ensureBuilt, prepareNodeImage, prepareSandboxImage } from '../driver/docker/nodeimage.js';
import { connectCluster, readNodeFile } from './access.js';
import { createWorker, waitNodesReady, workerName } from './lifecycle.js';
import { NODE_KUBECONFIG } from './nodeconsts.js';
import { loadProfile, profileExists, saveProfile } from './profiles.js';
import { runStep, type EventSink } from './progress.js';

/** The next free worker name: one past the highest <profile>-mNN there is, from m02. */
export function nextWorkerName(profile: string, existing: string[]): string {
  const re = new RegExp(`^${profile.replace(/[-]/g, '\\-')}-m(\\d{2,})$`);
  const highest = Math.max(1, ...existing.map((n) => Number(re.exec(n)?.[1] ?? 0)));
  return workerName(profile, highest + 1);
}

export interface AddNodeOptions {
  profile: string;
  wait?: boolean;
  waitTimeoutMs?: number;
}

/** Adds a worker to a running cluster and waits for it to be Ready; returns its name and address. */
export async function addNode(driver: Driver, sink: EventSink, o: AddNodeOptions): Promise<{ name: string; ip: string }> {
  const access = await connectCluster(driver, o.profile);
  try {
    const stored = profileExists(o.profile) ? loadProfile(o.profile) : undefined;
    const name = nextWorkerName(o.profile, access.nodes.map((n) => n.name));
    const [nodeImage, sandboxImage] = await runStep(sink, 'images', 'Preparing the node images', () =>
      Promise.all([ensureBuilt(driver, prepareNodeImage), ensureBuilt(driver, prepareSandboxImage)]));
    const node = await runStep(sink, 'node', `Creating node ${name}`, async () => {
      const network = await driver.ensureNetwork(o.profile);
      const credential = await readNodeFile(access.controlPlane, NODE_KUBECONFIG);
      const plan = { profile: o.profile, network, nodeImage, sandboxImage, cpus: stored?.cpus, memoryMiB: stored?.memoryMiB };
      return createWorker(driver, plan, name, credential);
    });
    try {
      await runStep(sink, 'start', `Starting node ${name}`, () => node.start());
      if (o.wait !== false) await runStep(sink, 'ready', `Waiting for node ${name} to be Ready`, () => waitNodesReady(access.client, [name], o.waitTimeoutMs ?? 60_000));
    } catch (err) {
      await node.remove().catch(() => {}); // a node that never joined leaves nothing behind
      throw err;
    }
    const ip = await node.ip();
    if (stored) saveProfile({ ...stored, nodes: [...stored.nodes.filter((n) => n.name !== name), { name, role: 'worker', ip }] });
    return { name, ip };
  } finally {
    access.client.close();
  }
}

/** Deletes a worker: its Node object (no drain), then its container, state volume and pod containers. */
export async function deleteNode(driver: Driver, sink: EventSink, profile: string, name: string): Promise<void> {
  const access = await connectCluster(driver, profile);
  try {
    const node: Node | undefined = access.nodes.find((n) => n.name === name);
    if (!node) throw new UserError(`node "${name}" not found in profile ${profile}`, `see \`skiff node list -p ${profile}\``, ExitCode.notFound);
    if (node.role === 'control-plane') {
      throw new UserError(`node "${name}" is the control-plane node`, `delete the whole cluster with \`skiff delete -p ${profile}\``, ExitCode.usage);
    }
    await runStep(sink, 'api', `Deleting Node ${name} from the API`, async () => {
      try {
        await access.client.delete(Resources.nodes, undefined, name);
      } catch (err) {
        if (!isNotFound(err)) throw err; // never registered, or already gone: the container still goes
      }
    });
    await runStep(sink, 'container', `Removing the container and volume of ${name}`, async () => {
      await node.remove();
      await driver.removeNodeWorkloads(profile, name);
    });
    if (profileExists(profile)) {
      const stored = loadProfile(profile);
      saveProfile({ ...stored, nodes: stored.nodes.filter((n) => n.name !== name) });
    }
  } finally {
    access.client.close();
  }
}
