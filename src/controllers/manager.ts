// kube-controller-manager, in the control-plane process: one set of shared informers (read as
// system:kube-controller-manager), and every controller writing as its own service account in
// kube-system, as upstream does with --use-service-account-credentials, so RBAC's
// system:controller:<name> roles bound at bootstrap are what each controller may do.
import { ApiClient } from '../client/client.js';
import { createEventRecorder, type FlushableEventRecorder } from '../client/events.js';
import type { Client } from '../client/types.js';
import type { Controller, ControllerContext, ControllerFactory, ControllerOptions } from './context.js';
import { DEFAULT_CONTROLLER_OPTIONS } from './context.js';
import { SharedInformerFactory } from './informers.js';
import { cronJobController } from './cronjob/index.js';
import { daemonSetController } from './daemonset/index.js';
import { deploymentController } from './deployment/index.js';
import { endpointsController } from './endpoints/index.js';
import { endpointSliceController } from './endpointslice/index.js';
import { garbageCollector } from './garbagecollector/index.js';
import { jobController } from './job/index.js';
import { namespaceController } from './namespace/index.js';
import { nodeLifecycleController } from './nodelifecycle/index.js';
import { podGcController } from './podgc/index.js';
import { replicaSetController, replicationControllerController } from './replicaset/index.js';
import { rootCaCertPublisher, serviceAccountController } from './serviceaccount/index.js';
import { statefulSetController } from './statefulset/index.js';

/** An identity for an in-process component (the API server issues it a loopback token). */
export interface ComponentUser {
  name: string;
  groups: string[];
}

/**
 * kube-controller-manager's --controllers: a comma-separated list where '*' enables every
 * controller, 'foo' enables foo and '-foo' disables it ('-*' none). Unknown names are an error.
 */
export function selectControllers(flag: string): ControllerSpec[] {
  const words = flag.split(',').map((w) => w.trim()).filter(Boolean);
  const known = new Set(CONTROLLERS.map((c) => c.name));
  for (const w of words) {
    const name = w.replace(/^-/, '');
    if (name !== '*' && !known.has(name)) throw new Error(`unknown controller "${name}" (known: ${[...known].join(', ')})`);
  }
  const all = words.includes('*') && !words.includes('-*');
  return CONTROLLERS.filter((c) => !words.includes(`-${c.name}`) && (all || words.includes(c.name)));
}

export interface ControllerManagerConfig {
  server: string;
  caPem: string;
  /** Issues a bearer token for an identity, valid while this process lives. */
  tokenFor(user: ComponentUser): string;
  options?: Partial<ControllerOptions>;
  /** Which controllers run (the --controllers flag; default '*'). */
  controllers?: string;
  log?: (message: string) => void;
}

interface ControllerSpec {
  /** The name kube-controller-manager's --controllers flag uses. */
  name: string;
  factory: ControllerFactory;
  /** The kube-system service account it writes as (upstream's controller_policy.go names). */
  serviceAccount: string;
  workers: number;
}

/** Upstream's default controllers (and their --concurrent-*-syncs), those skiff implements. */
export const CONTROLLERS: ControllerSpec[] = [
  { name: 'serviceaccount', factory: serviceAccountController, serviceAccount: 'service-account-controller', workers: 1 },
  { name: 'root-ca-cert-publisher', factory: rootCaCertPublisher, serviceAccount: 'root-ca-cert-publisher', workers: 1 },
  { name: 'namespace', factory: namespaceController, serviceAccount: 'namespace-controller', workers: 5 },
  { name: 'garbage-collector', factory: garbageCollector, serviceAccount: 'generic-garbage-collector', workers: 20 },
  { name: 'replicaset', factory: replicaSetController, serviceAccount: 'replicaset-controller', workers: 5 },
  { name: 'replicationcontroller', factory: replicationControllerController, serviceAccount: 'replication-controller', workers: 5 },
  { name: 'deployment', factory: deploymentController, serviceAccount: 'deployment-controller', workers: 5 },
  { name: 'daemonset', factory: daemonSetController, serviceAccount: 'daemon-set-controller', workers: 2 },
  { name: 'statefulset', factory: statefulSetController, serviceAccount: 'statefulset-controller', workers: 5 },
  { name: 'job', factory: jobController, serviceAccount: 'job-controller', workers: 5 },
  { name: 'cronjob', factory: cronJobController, serviceAccount: 'cronjob-controller', workers: 5 },
  { name: 'endpoint', factory: endpointsController, serviceAccount: 'endpoint-controller', workers: 5 },
  { name: 'endpointslice', factory: endpointSliceController, serviceAccount: 'endpointslice-controller', workers: 5 },
  { name: 'nodelifecycle', factory: nodeLifecycleController, serviceAccount: 'node-controller', workers: 1 },
  { name: 'podgc', factory: podGcController, serviceAccount: 'pod-garbage-collector', workers: 1 },
];

export function serviceAccountUser(namespace: string, name: string): ComponentUser {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

const USER_AGENT = 'kube-controller-manager skiff';

export class ControllerManager {
  private readonly clients: ApiClient[] = [];
  private readonly recorders: FlushableEventRecorder[] = [];
  private readonly controllers: Controller[] = [];
  private readonly informers: SharedInformerFactory;
  private started = false;

  constructor(private readonly config: ControllerManagerConfig) {
    const reader = this.client({ name: 'system:kube-controller-manager', groups: ['system:authenticated'] }, USER_AGENT);
    this.informers = new SharedInformerFactory(reader);
  }

  /** Builds every controller (they register their informers), syncs the caches, then runs them. */
  async start(): Promise<void> {
    const options = { ...DEFAULT_CONTROLLER_OPTIONS, ...this.config.options };
    const specs = selectControllers(this.config.controllers ?? '*');
    for (const spec of specs) {
      const client = this.client(serviceAccountUser('kube-system', spec.serviceAccount), `${USER_AGENT}/${spec.serviceAccount}`);
      const ctx: ControllerContext = {
        client,
        informers: this.informers,
        recorder: (component) => this.recorder(client, component),
        options,
        clusterCaPem: this.config.caPem,
      };
      this.controllers.push(spec.factory(ctx));
    }
    await this.informers.start();
    this.started = true;
    specs.forEach((spec, i) => this.controllers[i]!.run(spec.workers));
  }

  /** The shared informers, for other in-process components (the scheduler shares them). */
  get sharedInformers(): SharedInformerFactory {
    return this.informers;
  }

  /** Every shared informer has its list (a controller-manager whose caches stall is not healthy). */
  healthy(): boolean {
    return this.started && this.informers.hasSynced();
  }

  async stop(): Promise<void> {
    for (const c of this.controllers) c.stop();
    this.informers.stop();
    await Promise.race([Promise.all(this.recorders.map((r) => r.flush())), new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const c of this.clients) c.close();
  }

  private client(user: ComponentUser, userAgent: string): ApiClient {
    const client = new ApiClient({ server: this.config.server, caPem: this.config.caPem, token: this.config.tokenFor(user), userAgent });
    this.clients.push(client);
    return client;
  }

  private recorder(client: Client, component: string): FlushableEventRecorder {
    const recorder = createEventRecorder(client, component, undefined, { log: this.config.log });
    this.recorders.push(recorder);
    return recorder;
  }
}
