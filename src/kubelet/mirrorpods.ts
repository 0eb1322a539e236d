// Mirror pods of the control plane, as a kubelet publishes them for its static pods: the
// components running in the control-plane process show in kube-system as
// kube-apiserver-<node>, kube-controller-manager-<node> and kube-scheduler-<node>, bound to the
// node the control plane runs on and owned by its Node object (so they go when the Node goes).
// They are created once that Node has registered, and report Running/Ready while the component's
// health check passes. Node agents never run a pod marked as a mirror.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { SKIFF_VERSION } from '../api/version.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors.js';
import { Resources } from '../client/resources.js';
import type { Client } from '../client/types.js';
import { rfc3339 } from './node.js';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export function isMirrorPod(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined;
}

export interface StaticComponent {
  /** "kube-apiserver", "kube-scheduler", "kube-controller-manager". */
  name: string;
  /** The command line the component runs with (shown in the pod spec). */
  command: string[];
  healthy(): boolean | Promise<boolean>;
  /** The mirror pod's name when not `<name>-<node>` (kube-proxy's is `kube-proxy-<hash>`, as minikube shows it). */
  podName?: string;
  /** Its labels when not a control-plane component's (`component`, `tier: control-plane`). */
  labels?: Record<string, string>;
}

export interface MirrorPodsConfig {
  client: Client;
  nodeName: string;
  components: StaticComponent[];
  /** How often health is checked and status refreshed (the kubelet's probes default to 10 s). */
  intervalMs?: number;
  log?: (message: string) => void;
}

const NAMESPACE = 'kube-system';
const IMAGE = `skiff:${SKIFF_VERSION}`;

/** The static pod a component would be described by; its hash names the config, as the kubelet's does. */
export function staticPod(component: StaticComponent, nodeName: string): KubeObject {
  const spec = {
    containers: [{
      name: component.name,
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: component.command,
      resources: { requests: { cpu: component.name === 'kube-apiserver' ? '250m' : component.name === 'kube-controller-manager' ? '200m' : '100m' } },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    }],
    hostNetwork: true,
    nodeName,
    priorityClassName: 'system-node-critical',
    priority: 2000001000,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 30,
    tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  };
  const hash = createHash('md5').update(JSON.stringify(spec)).digest('hex');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: component.podName ?? `${component.name}-${nodeName}`,
      namespace: NAMESPACE,
      labels: component.labels ?? { component: component.name, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.hash': hash,
        [MIRROR_ANNOTATION]: hash,
        'kubernetes.io/config.seen': rfc3339(Date.now()),
        'kubernetes.io/config.source': 'file',
      },
    },
    spec,
  };
}

function condition(type: string, status: boolean, now: string): Record<string, unknown> {
  return { type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now };
}

/** The status a kubelet reports for a static pod whose one container runs (ready or not). */
export function mirrorStatus(component: StaticComponent, nodeIP: string, startedAt: string, ready: boolean, now: string): Record<string, unknown> {
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', true, startedAt),
      condition('Initialized', true, startedAt),
      condition('Ready', ready, now),
      condition('ContainersReady', ready, now),
      condition('PodScheduled', true, startedAt),
    ],
    hostIP: nodeIP,
    hostIPs: [{ ip: nodeIP }],
    podIP: nodeIP,
    podIPs: [{ ip: nodeIP }],
    startTime: startedAt,
    qosClass: 'Burstable',
    containerStatuses: [{
      name: component.name,
      image: IMAGE,
      imageID: '',
      containerID: `skiff://${component.name}`,
      ready,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    }],
  };
}

export class MirrorPods {
  private readonly startedAt = rfc3339(Date.now());
  private readonly ready = new Map<string, boolean>();
  private readonly created = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly config: MirrorPodsConfig) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.sync().catch((err) => this.log(`mirror pods: ${(err as Error).message}`)).finally(() => {
        // Until every mirror pod exists (the Node may not have registered yet), look again soon.
        const settled = this.created.size === this.config.components.length;
        if (!this.stopped) this.timer = setTimeout(tick, settled ? this.config.intervalMs ?? 10_000 : 100);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: find the Node, create missing mirror pods, write each one's status if it changed. */
  async sync(): Promise<void> {
    const node = await this.node();
    if (!node) return; // not registered yet: mirror pods wait for their Node, as the kubelet's do
    const nodeIP = internalIP(node);
    for (const component of this.config.components) {
      const ready = await Promise.resolve(component.healthy()).catch(() => false);
      const pod = await this.ensure(component, node);
      if (!pod) continue;
      if (this.ready.get(component.name) === ready && this.created.has(component.name)) continue;
      const status = mirrorStatus(component, nodeIP, this.startedAt, ready, rfc3339(Date.now()));
      await this.config.client.patch(Resources.pods, NAMESPACE, pod.metadata.name!, 'merge', { status }, 'status');
      this.ready.set(component.name, ready);
      this.created.add(component.name);
    }
  }

  private async node(): Promise<KubeObject | undefined> {
    try {
      return await this.config.client.get(Resources.nodes, undefined, this.config.nodeName);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The mirror pod, created (owned by the Node) if missing; recreated if it belongs to an older Node. */
  private async ensure(component: StaticComponent, node: KubeObject): Promise<KubeObject | undefined> {
    const desired = staticPod(component, this.config.nodeName);
    desired.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid! }];
    const client = this.config.client;
    let existing: KubeObject | undefined;
    try {
      existing = await client.get(Resources.pods, NAMESPACE, desired.metadata.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const current = existing?.metadata.annotations?.[MIRROR_ANNOTATION] === desired.metadata.annotations![MIRROR_ANNOTATION] &&
      existing?.metadata.ownerReferences?.[0]?.uid === node.metadata.uid && !existing?.metadata.deletionTimestamp;
    if (existing && current) return existing;
    if (existing) {
      // A stale mirror (another config, an older Node): the kubelet deletes and recreates it.
      await client.delete(Resources.pods, NAMESPACE, existing.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: existing.metadata.uid } }).catch((err) => {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      });
      this.created.delete(component.name);
      return undefined; // created on the next pass, once the old one is gone
    }
    try {
      const pod = await client.create(Resources.pods, NAMESPACE, desired);
      this.created.delete(component.name);
      return pod;
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      throw err;
    }
  }

  private log(message: string): void {
    (this.config.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(message);
  }
}

function internalIP(node: KubeObject): string {
  const addresses = ((node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses) ?? [];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
}
