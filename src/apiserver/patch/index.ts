// PATCH bodies: dispatch on the patch content type, as apiserver's handlers/patch.go does.
// JSON patch (RFC 6902), JSON merge patch (RFC 7386), strategic merge patch, and server-side
// apply (which the handler normally routes to serverSideApply itself, with its field manager).
import jsonpatch from 'fast-json-patch';
import yaml from 'js-yaml';
import type { PatchMeta } from '../../api/patchmeta.js';
import type { KubeObject } from '../../api/types.js';
import { badRequest, StatusError, unsupportedMediaType } from '../errors.js';
import { serverSideApply } from './apply.js';
import { isMap, strategicMergePatch } from './strategic.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch types of built-in resources, in upstream's order (apiserver installer.go). */
export const PATCH_CONTENT_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];

/** Upstream caps JSON patches at this many operations (handlers/patch.go). */
const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The media type of a Content-Type header, without parameters ("; charset=utf-8"). */
function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** Whether a PATCH with this content type is a server-side apply. */
export function isApplyPatch(contentType: string | undefined): boolean {
  return mediaType(contentType ?? '') === APPLY_PATCH;
}

/**
 * Applies a PATCH body to `original` and returns the patched object (the original is left as is).
 * `manager` is the field manager, only used (and then required) for server-side apply.
 */
export function applyPatch(
  contentType: string,
  original: KubeObject,
  body: Buffer | string,
  meta: PatchMeta | undefined,
  manager?: string,
): KubeObject {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  switch (mediaType(contentType)) {
    case JSON_PATCH:
      return applyJsonPatch(original, text);
    case MERGE_PATCH:
      return applyMergePatch(original, text);
    case STRATEGIC_MERGE_PATCH:
      return strategicMergePatch(original, parseJson(text), meta) as KubeObject;
    case APPLY_PATCH:
      return applyApplyPatch(original, text, meta, manager);
    default:
      throw unsupportedPatchType();
  }
}

/** 415 listing the accepted patch types, as negotiation.NewUnsupportedMediaTypeError does. */
function unsupportedPatchType(): StatusError {
  return unsupportedMediaType([...PATCH_CONTENT_TYPES]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

// ---- RFC 6902 ------------------------------------------------------------------------------------

function applyJsonPatch(original: KubeObject, text: string): KubeObject {
  const operations = parseJson(text);
  // Go decodes a JSON null into an empty patch.
  if (operations === null) return structuredClone(original);
  if (!Array.isArray(operations)) {
    const kind = typeof operations === 'boolean' ? 'bool' : typeof operations;
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type jsonpatch.Patch`);
  }
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  let patched: unknown;
  try {
    // validate=true: a missing path or a failed `test` throws instead of half-applying.
    patched = jsonpatch.applyPatch(original, operations as jsonpatch.Operation[], true, false).newDocument;
  } catch {
    throw patchNotApplicable();
  }
  if (!isMap(patched)) throw patchNotApplicable();
  return patched as KubeObject;
}

/**
 * A JSON patch that does not apply (failed `test`, missing path, unknown op): upstream answers
 * NewGenericServerResponse(422), whose message does not carry the library's reason.
 */
function patchNotApplicable(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

// ---- RFC 7386 ------------------------------------------------------------------------------------

function applyMergePatch(original: KubeObject, text: string): KubeObject {
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch {
    throw badRequest('Invalid JSON Patch'); // evanphx/json-patch's ErrBadJSONPatch
  }
  if (!isMap(patch)) throw badRequest('Invalid JSON Patch');
  return mergePatch(original, patch) as KubeObject;
}

/** RFC 7386: objects merge recursively, null removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(structuredClone(target), patch);
}

/** Merges `patch` into `target`, which is ours to modify. */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isMap(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergeInto(result[key], value);
  }
  return result;
}

// ---- server-side apply ---------------------------------------------------------------------------

function applyApplyPatch(original: KubeObject, text: string, meta: PatchMeta | undefined, manager: string | undefined): KubeObject {
  if (!manager) throw badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
  let applied: unknown;
  try {
    // CORE_SCHEMA: YAML 1.2 scalars, and no timestamps turned into Dates.
    applied = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (!isMap(applied)) throw badRequest('error decoding YAML: the apply configuration is not an object');
  const config = applied as KubeObject;
  config.metadata ??= {};
  return serverSideApply(original, config, manager, meta);
}
