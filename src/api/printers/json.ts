// Lenient readers for objects as they travel (plain JSON). A printer never throws on a missing or
// mistyped field: like Go's decoding into zero values, absence reads as "", 0, {} or [].

export type Json = Record<string, unknown>;

/** The object at value, or an empty one (Go's zero struct). */
export function rec(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** The array at value, or an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The records of an array (non-objects read as empty records). */
export function recs(value: unknown): Json[] {
  return list(value).map(rec);
}

/** A string field, or "". */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A numeric field, or fallback (0, Go's zero value, unless a default applies). */
export function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A boolean field, or false. */
export function bool(value: unknown): boolean {
  return value === true;
}

/** Number of keys of a map field (len(map) in Go). */
export function size(value: unknown): number {
  return Object.keys(rec(value)).length;
}

/** Reads a dotted path from an object, leniently. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const step of path) cur = rec(cur)[step];
  return cur;
}
