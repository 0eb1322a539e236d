// A minimal protobuf wire-format reader. protobufjs' Reader is not used on purpose: its
// generated decoders skip unknown fields silently (`reader.skipType`) and turn int64 into lossy
// numbers, while the API server must answer 400 for anything it cannot decode exactly. Every
// failure here throws badRequest with the path of the field being read.
import { badRequest } from '../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export class WireReader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly where: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  fail(message: string): never {
    throw badRequest(`protobuf: ${this.where}: ${message}`);
  }

  /** Reads a varint as an unsigned 64-bit BigInt (at most 10 bytes, as the spec allows). */
  varint(): bigint {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A tag: field number and wire type. */
  tag(): { field: number; wire: number } {
    const raw = this.varint();
    const field = Number(raw >> 3n);
    const wire = Number(raw & 7n);
    if (field < 1 || field > 0x1fffffff) this.fail(`invalid field number ${field}`);
    return { field, wire };
  }

  /** The payload of a length-delimited field, without copying. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > BigInt(this.buf.length - this.pos)) this.fail('truncated length-delimited field');
    const start = this.pos;
    this.pos += Number(length);
    return this.buf.subarray(start, this.pos);
  }

  fixed(size: 4 | 8): DataView {
    if (this.pos + size > this.buf.length) this.fail(`truncated fixed${size * 8} field`);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return view;
  }
}

const utf8 = new TextDecoder('utf-8');

/** Go's encoding/json replaces invalid UTF-8 with U+FFFD; the non-fatal decoder does the same. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export function concatChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  return Buffer.concat(chunks);
}
