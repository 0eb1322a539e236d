// Small helpers for defaulting plain JSON objects in place.

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The object at obj[key], created ({}) when missing. */
export function objAt(obj: Obj, key: string): Obj {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as Obj;
}

export function arrayAt(obj: Obj, key: string): Obj[] {
  const v = obj[key];
  return Array.isArray(v) ? (v.filter(isObject) as Obj[]) : [];
}

/** Sets obj[key] = value when it is unset (undefined, null or ""): Go's zero-value test. */
export function setDefault(obj: Obj, key: string, value: unknown): void {
  const cur = obj[key];
  if (cur === undefined || cur === null || cur === '') obj[key] = value;
}

/** Sets a pointer-typed field when absent (undefined or null); "" is a value for pointers. */
export function setIfAbsent(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

export function isEmptyMap(v: unknown): boolean {
  return !isObject(v) || Object.keys(v).length === 0;
}
