// Label and field selectors as the API server accepts them in `labelSelector=` / `fieldSelector=`
// (apimachinery pkg/labels/selector.go and pkg/fields/selector.go).
import { badRequest } from './errors.js';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'gt' | 'lt'; value: number };

export interface Selector {
  matches(fields: Record<string, string | undefined>): boolean;
  isEmpty(): boolean;
  /** The value a requirement pins `key` to with `=`, if any (lets a list narrow by name). */
  exactValue(key: string): string | undefined;
}

const EVERYTHING: Selector = { matches: () => true, isEmpty: () => true, exactValue: () => undefined };

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkLabelKey(key: string): void {
  if (!LABEL_KEY.test(key) || key.length > 316) {
    throw badRequest(`unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  }
}

function checkLabelValue(value: string): void {
  if (!LABEL_VALUE.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
  }
}

function parseLabelTerm(term: string): Requirement {
  let m = /^(!)?\s*([^\s!=<>(),]+)$/.exec(term);
  if (m) {
    checkLabelKey(m[2]);
    return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
  }
  m = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m) {
    checkLabelKey(m[1]);
    const values = m[3].split(',').map((v) => v.trim()).filter((v, i, all) => v !== '' || all.length === 1);
    values.forEach(checkLabelValue);
    return { key: m[1], op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^\s!=<>(),]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/.exec(term);
  if (m) {
    checkLabelKey(m[1]);
    if (m[2] === '>' || m[2] === '<') {
      const value = Number(m[3]);
      if (!Number.isInteger(value)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key: m[1], op: m[2] === '>' ? 'gt' : 'lt', value };
    }
    checkLabelValue(m[3]);
    return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] };
  }
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
}

function matchRequirement(r: Requirement, fields: Record<string, string | undefined>): boolean {
  const has = Object.prototype.hasOwnProperty.call(fields, r.key) && fields[r.key] !== undefined;
  const value = has ? fields[r.key]! : undefined;
  switch (r.op) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'in':
      return has && r.values.includes(value!);
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'gt':
      return has && Number(value) > r.value;
    case 'lt':
      return has && Number(value) < r.value;
  }
}

function selectorOf(requirements: Requirement[]): Selector {
  if (requirements.length === 0) return EVERYTHING;
  return {
    matches: (fields) => requirements.every((r) => matchRequirement(r, fields)),
    isEmpty: () => false,
    exactValue: (key) => {
      const r = requirements.find((x) => x.key === key && x.op === 'in' && x.values.length === 1);
      return r && r.op === 'in' ? r.values[0] : undefined;
    },
  };
}

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return EVERYTHING;
  return selectorOf(splitTerms(text).map(parseLabelTerm));
}

/** Field selectors take only =, == and != (fields.ParseSelector), with backslash escapes. */
export function parseFieldSelector(text: string | null | undefined, supported: (field: string) => boolean): Selector {
  if (!text) return EVERYTHING;
  const requirements = splitTerms(text).map((term): Requirement => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const key = m[1].trim();
    if (!supported(key)) throw badRequest(`field label not supported: ${key}`);
    const value = m[3].replace(/\\(.)/g, '$1');
    return { key, op: m[2] === '!=' ? 'notin' : 'in', values: [value] };
  });
  return selectorOf(requirements);
}

/** A LabelSelector object (matchLabels + matchExpressions) as a Selector. */
export function labelSelectorFromObject(sel: unknown): Selector {
  if (!sel || typeof sel !== 'object') return EVERYTHING;
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(s.matchLabels ?? {})) requirements.push({ key, op: 'in', values: [value] });
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') requirements.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') requirements.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') requirements.push({ key: e.key, op: 'notexists' });
  }
  return selectorOf(requirements);
}

/** Formats a LabelSelector object as the string kubectl and the scale subresource show ("app=web"). */
export function formatLabelSelector(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts: string[] = [];
  for (const [key, value] of Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${key}=${value}`);
  for (const e of s.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.join(',');
}
