// Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`).
// kubectl 1.32+ sends them from its typed clients: magic "k8s\0", then a runtime.Unknown whose
// `raw` is the object's own protobuf message (apimachinery runtime/serializer/protobuf).
import type { KubeObject } from '../../api/types.js';
import { badRequest } from '../errors.js';
import { decodeMessageToJson, readFields } from './decode.js';
import { messageNameFor } from './kinds.js';
import { lookupMessage } from './schema/index.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const UNKNOWN = '.k8s.io.apimachinery.pkg.runtime.Unknown';
const TYPE_META = '.k8s.io.apimachinery.pkg.runtime.TypeMeta';

/**
 * True for a single-object protobuf body. Parameters are ignored except `stream=`, which marks
 * the length-prefixed watch framing rather than one object.
 */
export function isProtobufContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [media, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (media !== PROTOBUF_CONTENT_TYPE) return false;
  return !params.some((p) => p.startsWith('stream='));
}

/**
 * Decodes a protobuf request body into the object exactly as the client would have sent it as
 * JSON: apiVersion and kind first, then the fields Go's encoding/json would print. (DeleteOptions
 * has no metadata, as in JSON.) Throws badRequest for a bad magic, an unknown kind, a truncated
 * body, an unknown field number or a value that cannot be represented.
 */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf: body does not start with the "k8s\\x00" magic of a Kubernetes protobuf object');
  }
  const envelope = readEnvelope(body.subarray(MAGIC.length));
  const name = messageNameFor(envelope.apiVersion, envelope.kind);
  if (!name) {
    throw badRequest(`protobuf: no decoding for kind "${envelope.kind}" in "${envelope.apiVersion}"; send it as JSON`);
  }
  const fields = decodeMessageToJson(lookupMessage(name), envelope.raw, envelope.kind) as Record<string, unknown>;
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...fields } as KubeObject;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

function readEnvelope(bytes: Uint8Array): Envelope {
  const fields = readFields(lookupMessage(UNKNOWN), bytes, 'Unknown');
  const typeMeta = decodeMessageToJson(lookupMessage(TYPE_META), concatOf(fields.get(1)?.chunks), 'Unknown.typeMeta') as {
    apiVersion?: string;
    kind?: string;
  };
  const encoding = lastString(fields.get(3)?.scalars);
  const contentType = lastString(fields.get(4)?.scalars);
  if (!typeMeta.apiVersion || !typeMeta.kind) throw badRequest('protobuf: Unknown.typeMeta lacks apiVersion or kind');
  if (encoding) throw badRequest(`protobuf: unsupported contentEncoding ${JSON.stringify(encoding)}`);
  if (contentType && contentType !== PROTOBUF_CONTENT_TYPE) {
    throw badRequest(`protobuf: unsupported inner contentType ${JSON.stringify(contentType)}`);
  }
  const raw = fields.get(2)?.scalars.at(-1);
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, raw: raw instanceof Uint8Array ? raw : new Uint8Array(0) };
}

function concatOf(chunks: Uint8Array[] | undefined): Uint8Array {
  return chunks && chunks.length ? Buffer.concat(chunks) : new Uint8Array(0);
}

function lastString(values: unknown[] | undefined): string {
  const v = values?.at(-1);
  return typeof v === 'string' ? v : '';
}
