// Readiness and startup of running containers. The fake runtime's prober answers from the pod's
// annotation; the real one (probemanager.ts) runs the probes in the background and answers from
// its cache.
import type { KubeObject } from '../api/types.js';
import type { RuntimeContainer } from './runtime.js';
import type { Json } from './podstatus.js';

export interface ProbeResult {
  ready: boolean;
  started: boolean;
  /** When the answer changes by itself (a probe's initial delay ends); ms since the epoch. */
  recheckAt?: number;
  /** A liveness or startup probe failed: the container is to be killed (and maybe restarted). */
  unhealthy?: 'liveness' | 'startup';
}

export interface Prober {
  /** `podIP`: the pod's address as the agent knows it (the API's status may not have it yet). */
  check(pod: KubeObject, spec: Json, container: RuntimeContainer, now: number, podIP?: string): ProbeResult;
  /** Forgets a pod's probe state. */
  forget?(podUid: string): void;
  /** A container that is not running (exited, or waiting to restart): its probes pause. */
  stopped?(podUid: string, containerName: string): void;
  /** Stops every probe (the agent is stopping). */
  close?(): void;
}

/** The pod annotation a test sets to "false" to make every container of a hollow pod unready. */
export const FAKE_READY_ANNOTATION = 'skiff.dev/fake-ready';

function delayMs(probe: unknown): number {
  if (!probe || typeof probe !== 'object') return 0;
  return Math.max(0, Number((probe as Json).initialDelaySeconds ?? 0)) * 1000;
}

/**
 * Probes that pass once their initial delay is over (startup first, then readiness), unless the
 * pod's `skiff.dev/fake-ready` annotation is "false": then no container is ready.
 */
export class FakeProber implements Prober {
  check(pod: KubeObject, spec: Json, container: RuntimeContainer, now: number): ProbeResult {
    const startedAt = Date.parse(container.startedAt ?? container.createdAt);
    const startedBy = startedAt + (spec.startupProbe ? delayMs(spec.startupProbe) : 0);
    const readyBy = Math.max(startedBy, startedAt + (spec.readinessProbe ? delayMs(spec.readinessProbe) : 0));
    const started = now >= startedBy;
    const passing = pod.metadata.annotations?.[FAKE_READY_ANNOTATION] !== 'false';
    const ready = started && now >= readyBy && passing;
    const future = [startedBy, readyBy].filter((t) => t > now);
    return { ready, started, recheckAt: future.length > 0 ? Math.min(...future) : undefined };
  }
}
