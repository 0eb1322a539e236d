// What every controller is given: the API client, the shared informers, and an event recorder.
import type { Client, EventRecorder, Informer, ResourceRef } from '../client/types.js';
import type { KubeObject } from '../api/types.js';

export interface SharedInformers {
  /** One shared informer per resource (all namespaces), created on first use. */
  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T>;
  /** Starts every informer created so far and waits for their first lists. */
  start(): Promise<void>;
  stop(): void;
}

export interface ControllerContext {
  client: Client;
  informers: SharedInformers;
  /** Events recorded as component "<name>" (e.g. "deployment-controller"). */
  recorder(component: string): EventRecorder;
  /** Options that tests shorten (node-monitor grace period, pod eviction timeout, …). */
  options: ControllerOptions;
  /** The cluster CA certificate (PEM), published as the kube-root-ca.crt ConfigMap in every namespace. */
  clusterCaPem: string;
}

export interface ControllerOptions {
  /** How long a Node may miss its Lease renewals before it is marked NotReady/Unknown (upstream 40 s). */
  nodeMonitorGracePeriodSeconds: number;
  /** Default toleration seconds for not-ready/unreachable taints added to pods (upstream 300 s). */
  defaultTolerationSeconds: number;
  /** Terminated pods kept before PodGC removes the oldest (upstream 12 500). */
  terminatedPodGcThreshold: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  nodeMonitorGracePeriodSeconds: 40,
  defaultTolerationSeconds: 300,
  terminatedPodGcThreshold: 12500,
};

/** A running controller: started with its informers synced, stopped on shutdown. */
export interface Controller {
  readonly name: string;
  run(workers: number): void;
  stop(): void;
}

/** The shape of each controller module's entry point. */
export type ControllerFactory = (ctx: ControllerContext) => Controller;
