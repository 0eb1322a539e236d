// Builders for apimachinery's field.Error values (pkg/util/validation/field/errors.go) and
// the path helpers (field.Path.String(): children joined by '.', indices and keys in '[]').
import type { FieldError } from '../resource.js';

/**
 * A bad value whose Go rendering cannot be derived from its JSON shape (a Go struct printed with
 * %#v, such as `v1.LabelSelector{...}`): formatFieldError prints `text` verbatim.
 */
export class GoValue {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

export const child = (path: string, ...names: string[]): string =>
  names.reduce((p, n) => (p ? `${p}.${n}` : n), path);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, badValue: '', detail };
}

export function invalid(field: string, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue, detail };
}

export function notSupported(field: string, badValue: unknown, supported: string[]): FieldError {
  return { type: 'FieldValueNotSupported', field, badValue, supported, detail: supportedDetail(supported) };
}

export function supportedDetail(supported: string[]): string {
  return supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
}

export function duplicate(field: string, badValue: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, badValue };
}

export function notFound(field: string, badValue: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, badValue };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, badValue: '', detail };
}

/** Upstream (≤1.33) words TooLong as "must have at most N bytes"; the value is never shown. */
export function tooLong(field: string, maxLength: number): FieldError {
  return { type: 'FieldValueTooLong', field, badValue: '', detail: maxLength >= 0 ? `must have at most ${maxLength} bytes` : 'value is too long' };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, badValue: actual, detail: `must have at most ${max} ${max === 1 ? 'item' : 'items'}` };
}

/** Go's strconv.Quote / %q for a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
