// The parts of Services and EndpointSlices kube-proxy reads, and the plan it computes from them.
// Objects travel as plain JSON; these types only name the fields the proxy looks at.
import type { KubeObject } from '../api/types.js';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  nodePort?: number;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    [key: string]: unknown;
  };
}

export interface SliceEndpoint {
  addresses: string[];
  /** Unset conditions mean "true" for ready and serving (discovery/v1 API docs), as kube-proxy reads them. */
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
}

export interface SlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
}

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

export type Protocol = 'TCP' | 'UDP';

/** One backend a connection may go to. */
export interface Endpoint {
  ip: string;
  port: number;
}

export interface Affinity {
  /** How long a client IP sticks to its endpoint after its last connection. */
  timeoutMs: number;
}

/** Where one service port is answered: a ClusterIP or a NodePort socket. */
export interface ListenAddress {
  address: string;
  port: number;
  kind: 'clusterIP' | 'nodePort';
}

/** Everything needed to serve one port of one Service. */
export interface PortPlan {
  /** "ns/name:portName/PROTOCOL": upstream's ServicePortName, which keys the balancer. */
  id: string;
  protocol: Protocol;
  endpoints: Endpoint[];
  affinity?: Affinity;
  listen: ListenAddress[];
}

/** Chooses an endpoint for a client; undefined when the service has no ready endpoint. */
export type Picker = (clientIP: string, resetAffinity?: boolean) => Endpoint | undefined;

export type Logger = (message: string) => void;
