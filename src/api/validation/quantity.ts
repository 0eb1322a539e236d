// Just enough of resource.Quantity to compare and sign-check values (apimachinery pkg/api/resource).

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The numeric value of a quantity ("500m" → 0.5, "1Gi" → 1073741824); undefined when malformed. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?[0-9.]+)([eE][-+]?[0-9]+|[a-zA-Z]*)$/.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (Number.isNaN(base)) return undefined;
  if (/^[eE]/.test(m[2])) return base * 10 ** Number(m[2].slice(1));
  const mult = SUFFIX[m[2]];
  return mult === undefined ? undefined : base * mult;
}

/** Quantity.String() for values that are already canonical; numbers print bare. */
export function quantityText(q: unknown): string {
  return typeof q === 'number' ? String(q) : String(q ?? '');
}
