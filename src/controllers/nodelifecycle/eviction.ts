// Taint-based eviction timing (upstream pkg/controller/tainteviction taint_eviction.go
// processPodOnNode, getMinTolerationTime; core/v1 helper GetMatchingTolerations, ToleratesTaint).
// Pure: when must a pod on a node with NoExecute taints go?
import type { Pod, Toleration } from '../endpoints/types.js';
import { isPodReady } from '../podutil.js';
import { NOT_READY_TAINT, UNREACHABLE_TAINT, type Taint } from './health.js';

/** Toleration.ToleratesTaint: effect, key (empty key + Exists matches all) and value. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** For every taint, the first toleration that tolerates it; undefined when one is not tolerated. */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): Toleration[] | undefined {
  const out: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return undefined;
    out.push(t);
  }
  return out;
}

/** Seconds until eviction: 0 at once, -1 never (no toleration limits it). */
export function minTolerationSeconds(tolerations: Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min;
}

/**
 * The pod's tolerations, with the DefaultTolerationSeconds admission's not-ready/unreachable
 * NoExecute tolerations added when it has none for those keys (pods admitted without them).
 */
export function effectiveTolerations(pod: Pod, defaultTolerationSeconds: number): Toleration[] {
  const tolerations = [...(pod.spec?.tolerations ?? [])];
  const covers = (key: string) => tolerations.some((t) => (t.key === key || !t.key) && (!t.effect || t.effect === 'NoExecute'));
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    if (!covers(key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultTolerationSeconds });
  }
  return tolerations;
}

/**
 * When the pod must be deleted (ms since the epoch), or undefined when never. The clock starts
 * at the earliest timeAdded of the node's NoExecute taints (when the node went bad), so a
 * restarted controller keeps the same deadline.
 */
export function evictionTime(pod: Pod, taints: Taint[], defaultTolerationSeconds: number, nowMs: number): number | undefined {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return undefined;
  const used = matchingTolerations(noExecute, effectiveTolerations(pod, defaultTolerationSeconds));
  if (!used) return nowMs; // a taint it does not tolerate: go now
  const seconds = minTolerationSeconds(used);
  if (seconds < 0) return undefined;
  const added = noExecute.map((t) => (t.timeAdded ? Date.parse(t.timeAdded) : NaN)).filter((ms) => !Number.isNaN(ms));
  const start = added.length ? Math.min(...added) : nowMs;
  return start + seconds * 1000;
}

export interface EvictionPlan {
  /** Pods to delete now. */
  now: Pod[];
  /** When to look again for the next one due, if any (ms since the epoch). */
  nextAt?: number;
}

/** Which of the node's pods go now and when the next one is due. Pods already going are skipped. */
export function planEvictions(pods: Pod[], taints: Taint[], defaultTolerationSeconds: number, nowMs: number): EvictionPlan {
  const plan: EvictionPlan = { now: [] };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = evictionTime(pod, taints, defaultTolerationSeconds, nowMs);
    if (at === undefined) continue;
    if (at <= nowMs) plan.now.push(pod);
    else plan.nextAt = plan.nextAt === undefined ? at : Math.min(plan.nextAt, at);
  }
  return plan;
}

/**
 * Whether a pod on a node that went Unknown at `unknownSince` still needs marking not Ready: it
 * is Ready, and became so before the node went silent (not re-asserted since by its kubelet).
 */
export function shouldMarkNotReady(pod: Pod, unknownSince: string | undefined): boolean {
  if (!isPodReady(pod)) return false;
  const readySince = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime;
  if (!readySince || !unknownSince) return true;
  return Date.parse(readySince) <= Date.parse(unknownSince);
}
