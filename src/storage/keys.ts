// Key-range helpers shared by the stores.

/**
 * The smallest string greater than every string that starts with `prefix` (the exclusive end of a
 * range scan), or undefined when there is none (the empty prefix: everything matches).
 */
export function prefixEnd(prefix: string): string | undefined {
  // Drop trailing code units that cannot be incremented, then bump the last one: "/a/" → "/a0".
  let end = prefix;
  while (end.length > 0 && end.charCodeAt(end.length - 1) === 0xffff) end = end.slice(0, -1);
  if (end.length === 0) return undefined;
  return end.slice(0, -1) + String.fromCharCode(end.charCodeAt(end.length - 1) + 1);
}

/** Normalises a list limit: 0, negative or absent means no limit. */
export function effectiveLimit(limit: number | undefined): number {
  return limit !== undefined && limit > 0 ? Math.floor(limit) : Infinity;
}
