// Decodes one protobuf message into the JSON shape Go's encoding/json gives the same Go struct.
//
// gogo-protobuf (what client-go uses) writes every non-pointer field, so presence on the wire
// is not the same as presence in JSON. The rules applied, per field:
//   - scalar present: emitted, except a zero value without the (keep) mark (Go's omitempty);
//   - message present: emitted, even when empty (Go never omits a struct), merged into the
//     parent when marked (inline); a few well-known messages have a non-object JSON form;
//   - list/map: emitted when it has elements (gogo writes nothing for an empty one);
//   - anything absent on the wire stays absent, except fields marked (nul) — lists, maps and
//     pointers whose Go JSON tag lacks omitempty — which Go prints as `null`.
// Unknown field numbers, wrong wire types, truncation and unrepresentable values throw 400.
import type protobuf from 'protobufjs';
import { badRequest } from '../errors.js';
import { SPECIAL } from './schema/meta.js';
import { concatChunks, decodeUtf8, WireReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire.js';

type Scalar = string | number | boolean | Uint8Array;

interface Collected {
  field: protobuf.Field;
  scalars: Scalar[];
  chunks: Uint8Array[];
  entries: Array<[string, Scalar | Uint8Array]>;
}

const SCALAR_WIRE: Record<string, number> = {
  string: WIRE_LEN,
  bytes: WIRE_LEN,
  bool: WIRE_VARINT,
  int32: WIRE_VARINT,
  int64: WIRE_VARINT,
  double: WIRE_FIXED64,
  float: WIRE_FIXED32,
};

export function decodeMessageToJson(type: protobuf.Type, bytes: Uint8Array, path: string): unknown {
  const special = specialToJson(type, bytes, path);
  if (special !== NOT_SPECIAL) return special;
  return fieldsToJson(type, readFields(type, bytes, path), path);
}

/** Reads every field of one message, rejecting unknown numbers and wrong wire types. */
export function readFields(type: protobuf.Type, bytes: Uint8Array, path: string): Map<number, Collected> {
  const reader = new WireReader(bytes, path || type.name);
  const out = new Map<number, Collected>();
  while (!reader.done) {
    const { field: id, wire } = reader.tag();
    const field = type.fieldsById[id];
    if (!field) reader.fail(`unknown field number ${id} (wire type ${wire}) in ${type.name}`);
    let slot = out.get(id);
    if (!slot) out.set(id, (slot = { field, scalars: [], chunks: [], entries: [] }));
    readOne(reader, field, wire, slot, `${path}.${field.name}`);
  }
  return out;
}

function readOne(reader: WireReader, field: protobuf.Field, wire: number, slot: Collected, path: string): void {
  if (field.map) {
    expectWire(reader, field, wire, WIRE_LEN);
    slot.entries.push(readMapEntry(field, reader.bytes(), path));
  } else if (field.resolvedType) {
    expectWire(reader, field, wire, WIRE_LEN);
    slot.chunks.push(reader.bytes());
  } else if (field.repeated && wire === WIRE_LEN && SCALAR_WIRE[field.type] !== WIRE_LEN) {
    // Packed repeated numbers: proto2 writers normally do not pack, but decoders must accept it.
    const packed = new WireReader(reader.bytes(), path);
    while (!packed.done) slot.scalars.push(readScalar(packed, field.type, path));
  } else {
    expectWire(reader, field, wire, SCALAR_WIRE[field.type]);
    slot.scalars.push(readScalar(reader, field.type, path));
  }
}

function expectWire(reader: WireReader, field: protobuf.Field, got: number, want: number | undefined): void {
  if (want === undefined) reader.fail(`field ${field.name} has unsupported type ${field.type}`);
  if (got !== want) reader.fail(`field ${field.name} (${field.id}) has wire type ${got}, expected ${want}`);
}

function readScalar(reader: WireReader, type: string, path: string): Scalar {
  switch (type) {
    case 'string':
      return decodeUtf8(reader.bytes());
    case 'bytes':
      return reader.bytes();
    case 'bool':
      return reader.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'int64':
      return safeInt64(reader, BigInt.asIntN(64, reader.varint()), path);
    case 'double':
      return reader.fixed(8).getFloat64(0, true);
    case 'float':
      return reader.fixed(4).getFloat32(0, true);
    default:
      return reader.fail(`unsupported scalar type ${type}`);
  }
}

/** JSON numbers in JS lose precision past 2^53; a silently changed value is worse than a 400. */
function safeInt64(reader: WireReader, value: bigint, path: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) reader.fail(`${path}: int64 ${value} cannot be represented exactly`);
  return n;
}

function readMapEntry(field: protobuf.Field, bytes: Uint8Array, path: string): [string, Scalar | Uint8Array] {
  const keyType = (field as unknown as protobuf.MapField).keyType;
  const reader = new WireReader(bytes, path);
  let key = '';
  let value: Scalar | Uint8Array | undefined;
  while (!reader.done) {
    const { field: id, wire } = reader.tag();
    if (id === 1) {
      if (wire !== WIRE_LEN || keyType !== 'string') reader.fail(`map key has wire type ${wire}`);
      key = decodeUtf8(reader.bytes());
    } else if (id === 2) {
      const want = field.resolvedType ? WIRE_LEN : SCALAR_WIRE[field.type];
      if (wire !== want) reader.fail(`map value has wire type ${wire}, expected ${want}`);
      value = field.resolvedType ? reader.bytes() : readScalar(reader, field.type, path);
    } else {
      reader.fail(`unknown field number ${id} in a map entry`);
    }
  }
  return [key, value ?? zeroOf(field)];
}

/** A map entry may omit its value; the Go decoder then stores the zero value. */
function zeroOf(field: protobuf.Field): Scalar | Uint8Array {
  if (field.resolvedType) return new Uint8Array(0);
  if (field.type === 'string') return '';
  if (field.type === 'bool') return false;
  if (field.type === 'bytes') return new Uint8Array(0);
  return 0;
}

function fieldsToJson(type: protobuf.Type, fields: Map<number, Collected>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const slot = fields.get(field.id);
    const fieldPath = `${path}.${field.name}`;
    if (!slot) {
      if (field.options?.['(nul)']) out[field.name] = null;
      continue;
    }
    if (field.map) out[field.name] = mapToJson(field, slot, fieldPath);
    else if (field.repeated) out[field.name] = listToJson(field, slot, fieldPath);
    else if (field.resolvedType) setMessage(out, field, slot, fieldPath);
    else setScalar(out, field, slot.scalars[slot.scalars.length - 1]);
  }
  return out;
}

function mapToJson(field: protobuf.Field, slot: Collected, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of slot.entries) out[key] = valueToJson(field, value, `${path}[${JSON.stringify(key)}]`);
  return out;
}

function listToJson(field: protobuf.Field, slot: Collected, path: string): unknown[] {
  if (!field.resolvedType) return slot.scalars.map((v) => scalarToJson(v));
  return slot.chunks.map((chunk, i) => valueToJson(field, chunk, `${path}[${i}]`));
}

function valueToJson(field: protobuf.Field, value: Scalar | Uint8Array, path: string): unknown {
  if (field.resolvedType) return decodeMessageToJson(field.resolvedType as protobuf.Type, value as Uint8Array, path);
  return scalarToJson(value);
}

/** Several occurrences of one message field merge; concatenating their bytes is that merge. */
function setMessage(out: Record<string, unknown>, field: protobuf.Field, slot: Collected, path: string): void {
  const value = decodeMessageToJson(field.resolvedType as protobuf.Type, concatChunks(slot.chunks), path);
  if (field.options?.['(inline)'] && value && typeof value === 'object') Object.assign(out, value);
  else out[field.name] = value;
}

function setScalar(out: Record<string, unknown>, field: protobuf.Field, value: Scalar): void {
  if (isZero(value) && !field.options?.['(keep)']) return;
  out[field.name] = scalarToJson(value);
}

function isZero(value: Scalar): boolean {
  return value === '' || value === 0 || value === false || (value instanceof Uint8Array && value.length === 0);
}

/** []byte is base64 in Go's JSON. */
function scalarToJson(value: Scalar): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

// ---- messages with a non-object JSON form ----

const NOT_SPECIAL = Symbol('not special');

function specialToJson(type: protobuf.Type, bytes: Uint8Array, path: string): unknown {
  const name = type.fullName;
  switch (name) {
    case SPECIAL.time:
      return bytes.length === 0 ? null : formatTime(type, bytes, path, false);
    case SPECIAL.microTime:
      return bytes.length === 0 ? null : formatTime(type, bytes, path, true);
    case SPECIAL.duration:
      return formatDuration(BigInt(num(readFields(type, bytes, path), 1)));
    case SPECIAL.quantity:
      return quantityToJson(type, bytes, path);
    case SPECIAL.intOrString:
      return intOrStringToJson(type, bytes, path);
    case SPECIAL.rawExtension:
    case SPECIAL.fieldsV1:
      return rawJson(readFields(type, bytes, path), path);
  }
  if (type.name === 'ExtraValue') {
    const items = readFields(type, bytes, path).get(1);
    return items ? items.scalars : null;
  }
  return NOT_SPECIAL;
}

function num(fields: Map<number, Collected>, id: number): number {
  const v = fields.get(id)?.scalars.at(-1);
  return typeof v === 'number' ? v : 0;
}

function str(fields: Map<number, Collected>, id: number): string {
  const v = fields.get(id)?.scalars.at(-1);
  return typeof v === 'string' ? v : '';
}

/**
 * metav1.Time is RFC3339 in whole seconds (upstream's Unmarshal drops nanos);
 * metav1.MicroTime keeps microseconds ("2006-01-02T15:04:05.000000Z07:00"). Both are UTC.
 */
function formatTime(type: protobuf.Type, bytes: Uint8Array, path: string, micro: boolean): string {
  const fields = readFields(type, bytes, path);
  const seconds = num(fields, 1);
  const nanos = num(fields, 2);
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw badRequest(`protobuf: ${path}: time ${seconds}s is outside years 0-9999`);
  }
  const base = date.toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  if (nanos < 0 || nanos > 999_999_999) throw badRequest(`protobuf: ${path}: nanos ${nanos} out of range`);
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** Go's time.Duration.String(), e.g. "1h0m0s", "1.5s", "300ms", "0s". */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const sign = neg ? '-' : '';
  if (abs < 1_000_000_000n) {
    const [unit, scale] = abs < 1000n ? ['ns', 1n] : abs < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    return `${sign}${fraction(abs, scale)}${unit}`;
  }
  const hours = abs / 3_600_000_000_000n;
  const minutes = (abs / 60_000_000_000n) % 60n;
  const secondsNs = abs % 60_000_000_000n;
  let text = `${fraction(secondsNs, 1_000_000_000n)}s`;
  if (hours > 0n || minutes > 0n) text = `${minutes}m${text}`;
  if (hours > 0n) text = `${hours}h${text}`;
  return sign + text;
}

function fraction(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const rest = value % scale;
  if (rest === 0n) return `${whole}`;
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

// resource.Quantity's grammar (api/resource/quantity.go): a signed decimal, then a suffix that is
// a binary SI (Ki..Ei), a decimal SI (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3).
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

function quantityToJson(type: protobuf.Type, bytes: Uint8Array, path: string): string {
  const value = str(readFields(type, bytes, path), 1);
  if (value === '') return '0';
  if (!QUANTITY.test(value)) throw badRequest(`protobuf: ${path}: invalid quantity ${JSON.stringify(value)}`);
  return value;
}

function intOrStringToJson(type: protobuf.Type, bytes: Uint8Array, path: string): number | string {
  const fields = readFields(type, bytes, path);
  const kind = num(fields, 1);
  if (kind === 0) return num(fields, 2);
  if (kind === 1) return str(fields, 3);
  throw badRequest(`protobuf: ${path}: IntOrString type ${kind} is neither 0 (int) nor 1 (string)`);
}

/** RawExtension and FieldsV1 carry JSON bytes verbatim; Go prints them as-is, or null when empty. */
function rawJson(fields: Map<number, Collected>, path: string): unknown {
  const raw = fields.get(1)?.scalars.at(-1);
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  try {
    return JSON.parse(decodeUtf8(raw));
  } catch {
    throw badRequest(`protobuf: ${path}: embedded raw object is not JSON`);
  }
}
