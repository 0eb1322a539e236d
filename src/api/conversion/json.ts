// Small helpers for converting objects that travel as plain JSON.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value as an object, or an empty one (conversions read optional structs through this). */
export function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Copies `from[fromKey]` to `out[toKey]` when it is set (Go's pointer/omitempty fields). */
export function copyIfSet(out: Json, toKey: string, from: Json, fromKey: string = toKey): void {
  const value = from[fromKey];
  if (value !== undefined && value !== null) out[toKey] = value;
}

/** A Go non-pointer resource.Quantity: the zero quantity marshals as "0". */
export function quantity(from: Json, key: string): unknown {
  const value = from[key];
  return value === undefined || value === null ? '0' : value;
}
