// The pod-template-hash of a Deployment's ReplicaSet (upstream controller.ComputeHash): FNV-1a 32 of
// the pod template, then the collision count, rendered by SafeEncodeString. Upstream hashes the Go
// struct as spew prints it; we hash its canonical JSON, so values differ from a real cluster's but
// keep the properties that matter: stable for a template, changed by a bumped collisionCount.
import { fnv32a, safeEncodeString, stableStringify, type LabelSelector, type PodTemplateSpec } from '../podutil.js';

export function templateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(stableStringify(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    // Upstream writes the count as a little-endian uint32 into an 8-byte buffer and hashes all 8.
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** A copy of the selector that also requires `key=value` (upstream CloneSelectorAndAddLabel). */
export function cloneSelectorAndAddLabel(selector: LabelSelector | undefined, key: string, value: string): LabelSelector {
  const copy: LabelSelector = structuredClone(selector ?? {});
  copy.matchLabels = { ...(copy.matchLabels ?? {}), [key]: value };
  return copy;
}
