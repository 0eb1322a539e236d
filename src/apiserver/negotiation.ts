// Content negotiation and body decoding: JSON, YAML and protobuf in; JSON, Tables and
// PartialObjectMetadata out.
import type { IncomingMessage } from 'node:http';
import yaml from 'js-yaml';
import type { KubeObject } from '../api/types.js';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from './errors.js';

/** Upstream's limit on a request body (apiserver MaxRequestBodyBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw requestEntityTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw requestEntityTooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The protobuf decoder (its schemas cost ~10 MB) loads with the first protobuf body. */
async function decodeProtobuf(body: Buffer): Promise<KubeObject> {
  const { decodeProtobufObject } = await import('./protobuf/index.js');
  return decodeProtobufObject(body);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`json: cannot unmarshal the request body: ${(err as Error).message}`);
  }
}

function asObject(value: unknown, what: string): KubeObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`${what}: the request body must be a JSON or YAML object`);
  }
  return value as KubeObject;
}

/** Decodes a create/update body in any of the accepted media types. */
export async function decodeObject(body: Buffer, contentType: string | undefined): Promise<KubeObject> {
  const type = mediaType(contentType);
  if (body.length === 0) throw badRequest('the request body is empty');
  if (type === PROTOBUF) return decodeProtobuf(body);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    let parsed: unknown;
    try {
      parsed = yaml.load(body.toString('utf8'), { schema: yaml.JSON_SCHEMA });
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    return asObject(parsed, 'yaml');
  }
  if (type === '' || type === 'application/json' || type === '*/*') {
    return asObject(parseJson(body.toString('utf8')), 'json');
  }
  throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF]);
}

/** Decodes a body that is a JSON (or YAML) options object, such as DeleteOptions. */
export async function decodeOptions(body: Buffer, contentType: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (body.length === 0) return undefined;
  return (await decodeObject(body, contentType)) as unknown as Record<string, unknown>;
}

export type ResponseShape =
  | { as: 'object' }
  | { as: 'Table'; version: 'v1' | 'v1beta1' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

/**
 * Picks what to answer from the Accept header's alternatives, in the client's order:
 * `application/json;as=Table;v=v1;g=meta.k8s.io`, PartialObjectMetadata(List), or the object.
 */
export function negotiate(accept: string | undefined): ResponseShape {
  if (!accept) return { as: 'object' };
  for (const alternative of accept.split(',')) {
    const [type, ...params] = alternative.split(';').map((p) => p.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((x) => x.trim()) as [string, string]));
    if (p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1') && (type === 'application/json' || type === '*/*')) {
      if (p.as === 'Table') return { as: 'Table', version: p.v };
      if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadata', version: p.v };
      continue;
    }
    if (p.as) continue; // some other transformation we do not offer
    if (type === 'application/json' || type === '*/*' || type === 'application/*' || type === PROTOBUF) {
      return { as: 'object' };
    }
  }
  return { as: 'object' };
}
