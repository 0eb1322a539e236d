// Rendering of field errors and Invalid statuses exactly as apimachinery ≤1.33 prints them:
// field.Error.Error() / ErrorBody() and api/errors.NewInvalid. Bad values are printed the way Go's
// fmt does for the types upstream passes: %v for numbers and bools, %q for strings, %#v for the
// rest (maps, slices, structs) — 1.34 switched that last case to JSON, which is the fallback here
// for shapes whose Go type cannot be inferred.
import type { FieldError, FieldErrorType } from '../resource.js';
import { GoValue, goQuote, supportedDetail } from './field.js';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose message never shows the bad value. */
const VALUELESS = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

/** Go's %v for a float64/int: integers bare, others in the shortest form ("0.5", "1e+21"). */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go pads the exponent to two digits: 1e-07, 1e+21.
  return String(n).replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
}

function isStringArray(v: unknown[]): v is string[] {
  return v.every((x) => typeof x === 'string');
}

function isStringMap(v: object): v is Record<string, string> {
  return Object.values(v).every((x) => typeof x === 'string');
}

/** The text ErrorBody prints for a bad value. */
export function formatValue(value: unknown): string {
  if (value instanceof GoValue) return value.text;
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (isStringArray(value)) return `[]string{${value.map(goQuote).join(', ')}}`;
    if (value.every((x) => typeof x === 'number' && Number.isInteger(x))) return `[]int32{${value.join(', ')}}`;
    return JSON.stringify(value);
  }
  if (typeof value === 'object' && isStringMap(value)) {
    // %#v of a Go map sorts its keys.
    const entries = Object.keys(value).sort().map((k) => `${goQuote(k)}:${goQuote(value[k])}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** field.Error.ErrorBody(): the message without the "field: " prefix (a Status cause's message). */
export function errorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type] ?? `<unknown error "${e.type}">`;
  if (!VALUELESS.has(e.type)) s += `: ${formatValue(e.badValue)}`;
  const detail = e.detail || (e.type === 'FieldValueNotSupported' && e.supported ? supportedDetail(e.supported) : '');
  if (detail) s += `: ${detail}`;
  return s;
}

/** field.Error.Error(): "spec.replicas: Invalid value: -1: must be greater than or equal to 0". */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** utilerrors.Aggregate's text over ErrorList.ToAggregate(): duplicates dropped, several in []. */
function aggregate(errs: FieldError[]): string {
  const seen: string[] = [];
  for (const e of errs) {
    const msg = formatFieldError(e);
    if (!seen.includes(msg)) seen.push(msg);
  }
  return seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`;
}

/** The message and causes of errors.NewInvalid(GroupKind, name, errs). */
export function invalidStatusParts(
  kind: string,
  group: string,
  name: string,
  errs: FieldError[],
): { message: string; causes: { reason: string; message: string; field: string }[] } {
  const qualified = group ? `${kind}.${group}` : kind;
  const head = `${qualified} ${goQuote(name)} is invalid`;
  return {
    message: errs.length ? `${head}: ${aggregate(errs)}` : head,
    causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
  };
}

/**
 * The text of runtime.strictDecodingError for unknown fields (sigs.k8s.io/json reports each as
 * `unknown field "<path>"`, joined by ", "). With kind and version, the prefix the create/update
 * handlers add through transformDecodeError:
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ...`.
 */
export function strictDecodingErrors(unknownPaths: string[], kind?: string, version?: string, duplicatePaths: string[] = []): string {
  const parts = [...duplicatePaths.map((p) => `duplicate field ${goQuote(p)}`), ...unknownPaths.map((p) => `unknown field ${goQuote(p)}`)];
  const base = `strict decoding error: ${parts.join(', ')}`;
  return kind && version ? `${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: ${base}` : base;
}
