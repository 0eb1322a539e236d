// Formatting helpers the upstream printers share (labels, selectors, containers, quantities).
import { at, list, rec, recs, str, type Json } from './json.js';

/** labels.FormatLabels: "a=1,b=2" sorted by key, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  const map = rec(labels);
  const keys = Object.keys(map).sort(compareStrings);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${str(map[k])}`).join(',');
}

/** Go's byte-wise string order (sort.Strings), not locale order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One requirement of a label selector, as labels.Requirement.String() writes it. */
interface Requirement {
  key: string;
  text: string;
}

/** metav1.LabelSelectorAsSelector(...).String(); undefined when the selector is invalid. */
export function labelSelectorString(selector: unknown): string | undefined {
  // A nil selector selects nothing and an empty one everything; both print as "".
  if (selector === null || selector === undefined) return '';
  const sel = rec(selector);
  const reqs: Requirement[] = [];
  const matchLabels = rec(sel.matchLabels);
  for (const key of Object.keys(matchLabels)) reqs.push({ key, text: `${key}=${str(matchLabels[key])}` });
  for (const expr of recs(sel.matchExpressions)) {
    const req = expressionRequirement(expr);
    if (req === undefined) return undefined;
    reqs.push(req);
  }
  // internalSelector.Add keeps requirements sorted by key.
  reqs.sort((a, b) => compareStrings(a.key, b.key));
  return reqs.map((r) => r.text).join(',');
}

function expressionRequirement(expr: Json): Requirement | undefined {
  const key = str(expr.key);
  const values = list(expr.values).map(str).sort(compareStrings);
  switch (expr.operator) {
    case 'In':
      return values.length === 0 ? undefined : { key, text: `${key} in (${values.join(',')})` };
    case 'NotIn':
      return values.length === 0 ? undefined : { key, text: `${key} notin (${values.join(',')})` };
    case 'Exists':
      return { key, text: key };
    case 'DoesNotExist':
      return { key, text: `!${key}` };
    default:
      return undefined;
  }
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** layoutContainerCells: container names and images, each comma-joined. */
export function layoutContainerCells(containers: unknown): [string, string] {
  const cs = recs(containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** The containers of a pod template (spec.template.spec.containers). */
export function templateContainers(template: unknown): unknown {
  return at(template, 'spec', 'containers');
}

/**
 * resource.Quantity.String() of a quantity as JSON carries it. Values are printed as given (the
 * server stores what clients send); a nil quantity prints "<nil>" and the zero quantity "0".
 */
export function quantityString(q: unknown, nil: '<nil>' | '0' = '0'): string {
  if (typeof q === 'number') return String(q);
  if (typeof q === 'string' && q !== '') return q;
  return nil;
}

/** intstr.IntOrString.String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : str(v);
}

/** net.JoinHostPort: brackets around IPv6 hosts. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** helper.GetAccessModesAsString: "RWO,ROX,RWX,RWOP" in this fixed order, duplicates dropped. */
export function accessModesString(modes: unknown): string {
  const have = new Set(list(modes).map(str));
  return ACCESS_MODES.filter(([mode]) => have.has(mode))
    .map(([, short]) => short)
    .join(',');
}

/** "True"/"False" (printBool), "<unset>" for a nil pointer (printBoolPtr). */
export function boolPtrString(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}
