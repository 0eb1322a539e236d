// The validation layer's public face: per-kind validators, ObjectMeta validation, and the exact
// texts upstream uses for Invalid statuses and strict decoding errors.
import type { FieldError, Validator } from '../resource.js';
import { APPS_VALIDATORS } from './apps.js';
import { BATCH_VALIDATORS } from './batch.js';
import { CORE_VALIDATORS } from './core.js';
import { OTHER_VALIDATORS } from './others.js';
import { SCHEMAS, unknownFields } from './schema.js';

export { formatFieldError, errorBody, formatValue, invalidStatusParts, strictDecodingErrors } from './format.js';
export { validateObjectMeta, nameValidatorFor, validateLabels, validateAnnotations, validateLabelSelector, selectorMatches } from './meta.js';
export type { ObjectMetaOptions } from './meta.js';
export { GoValue } from './field.js';
export type { NameValidator } from './names.js';

const BY_GROUP: Record<string, Record<string, Validator>> = { '': CORE_VALIDATORS, apps: APPS_VALIDATORS, batch: BATCH_VALIDATORS };

/** The kind's validator (spec-level checks; ObjectMeta is validateObjectMeta's job), if any. */
export function validatorFor(group: string, kind: string): Validator | undefined {
  return BY_GROUP[group]?.[kind] ?? OTHER_VALIDATORS[`${group}/${kind}`];
}

/**
 * Paths of the fields of `obj` that the built-in kind's schema does not have, in document order,
 * formatted as strict decoding reports them. Kinds without a schema (CRDs) give [].
 */
export function findUnknownFields(group: string, kind: string, obj: unknown): string[] {
  const schema = SCHEMAS[`${group}/${kind}`];
  return schema ? unknownFields(obj, schema) : [];
}

/** Whether findUnknownFields knows the kind. */
export function hasFieldSchema(group: string, kind: string): boolean {
  return `${group}/${kind}` in SCHEMAS;
}

export type { FieldError };
