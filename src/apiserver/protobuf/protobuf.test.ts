import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { formatDuration } from './decode.js';
import { decodeProtobufObject, isProtobufContentType, PROTOBUF_CONTENT_TYPE } from './index.js';
import { supportedKinds } from './kinds.js';
import { lookupMessage } from './schema/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/protobuf');

interface ManifestEntry {
  file?: string;
  case: string;
  kubectl: string;
  method?: string;
  contentType?: string;
  expectedFrom?: string | null;
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as ManifestEntry[];
const captured = manifest.filter((m): m is ManifestEntry & { file: string } => Boolean(m.file));

function fixture(file: string): { body: Buffer; expected: unknown } {
  return {
    body: readFileSync(join(FIXTURES, `${file}.bin`)),
    expected: JSON.parse(readFileSync(join(FIXTURES, `${file}.json`), 'utf8')),
  };
}

describe('bodies captured from kubectl 1.32 and 1.33', () => {
  it('has captures for both versions', () => {
    expect(new Set(captured.map((m) => m.kubectl))).toEqual(new Set(['1.32', '1.33']));
    expect(captured.every((m) => m.expectedFrom)).toBe(true);
  });

  for (const entry of captured.filter((m) => isProtobufContentType(m.contentType))) {
    it(`decodes ${entry.file} exactly as ${entry.expectedFrom}`, () => {
      const { body, expected } = fixture(entry.file);
      expect(decodeProtobufObject(body)).toStrictEqual(expected);
    });
  }

  // drain's Eviction goes through a hand-written client method that still sends JSON.
  for (const entry of captured.filter((m) => !isProtobufContentType(m.contentType))) {
    it(`${entry.file} arrives as JSON (${entry.contentType})`, () => {
      const { body, expected } = fixture(entry.file);
      expect(JSON.parse(body.toString())).toStrictEqual(expected);
    });
  }
});

// ---- hand-built messages ----

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const len = (field: number, bytes: number[]) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const str = (field: number, s: string) => len(field, [...Buffer.from(s)]);
const int = (field: number, n: number | bigint) => [...tag(field, 0), ...varint(n)];

function envelope(apiVersion: string, kind: string, raw: number[], extra: number[] = []): Buffer {
  const typeMeta = [...str(1, apiVersion), ...str(2, kind)];
  return Buffer.from([0x6b, 0x38, 0x73, 0x00, ...len(1, typeMeta), ...len(2, raw), ...extra]);
}

function badRequestOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(400);
    expect((err as StatusError).reason).toBe('BadRequest');
    return err as StatusError;
  }
  throw new Error('expected a 400');
}

const meta = (name: string) => len(1, str(1, name));

describe('hand-built messages', () => {
  it('decodes a minimal ConfigMap', () => {
    const raw = [...meta('x'), ...len(2, [...str(1, 'k'), ...str(2, 'v')])];
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toStrictEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { k: 'v' },
    });
  });

  it('rejects an unknown field number with a 400 naming it', () => {
    const raw = [...meta('x'), ...str(99, 'surprise')];
    const err = badRequestOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', raw)));
    expect(err.message).toContain('unknown field number 99');
  });

  it('rejects an unknown field nested deep inside a Deployment', () => {
    const container = [...str(1, 'c'), ...str(2, 'img'), ...int(77, 1)];
    const podSpec = len(2, container);
    const template = len(3, len(2, podSpec));
    const raw = [...meta('d'), ...len(2, template)];
    const err = badRequestOf(() => decodeProtobufObject(envelope('apps/v1', 'Deployment', raw)));
    expect(err.message).toContain('Deployment.spec.template.spec.containers');
    expect(err.message).toContain('unknown field number 77');
  });

  it('rejects a wrong wire type', () => {
    const raw = [...meta('x'), ...int(2, 5)]; // data (a map) sent as a varint
    expect(badRequestOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).message).toContain('wire type');
  });

  it('rejects a truncated body', () => {
    const body = envelope('v1', 'ConfigMap', [...meta('truncated'), ...len(2, [...str(1, 'k'), ...str(2, 'v')])]);
    for (const cut of [5, 9, body.length - 1, body.length - 3]) {
      badRequestOf(() => decodeProtobufObject(body.subarray(0, cut)));
    }
  });

  it('rejects a wrong magic', () => {
    const body = envelope('v1', 'ConfigMap', meta('x'));
    body[0] = 0x7b; // '{'
    expect(badRequestOf(() => decodeProtobufObject(body)).message).toContain('magic');
    badRequestOf(() => decodeProtobufObject(Buffer.from('k8s')));
  });

  it('rejects an unknown kind', () => {
    expect(badRequestOf(() => decodeProtobufObject(envelope('example.com/v1', 'Widget', meta('x')))).message).toContain(
      'Widget',
    );
    badRequestOf(() => decodeProtobufObject(envelope('v1', 'Widget', meta('x'))));
  });

  it('rejects a content encoding and a missing kind', () => {
    badRequestOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', meta('x'), str(3, 'gzip'))));
    badRequestOf(() => decodeProtobufObject(Buffer.from([0x6b, 0x38, 0x73, 0x00, ...len(2, meta('x'))])));
  });

  it('accepts DeleteOptions under any group version and keeps an explicit zero grace period', () => {
    const raw = [...int(1, 0), ...str(4, 'Foreground'), ...str(5, 'All')];
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      expect(decodeProtobufObject(envelope(apiVersion, 'DeleteOptions', raw))).toStrictEqual({
        apiVersion,
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      });
    }
  });

  it('converts the special encodings', () => {
    const time = (s: number, n = 0) => [...int(1, s), ...(n ? int(2, n) : [])];
    const quantity = (q: string) => str(1, q);
    const ios = (type: number, i: number, s: string) => [...int(1, type), ...int(2, i), ...str(3, s)];
    // Lease: MicroTime keeps microseconds; negative int32s travel as 10-byte varints.
    const lease = [...meta('l'), ...len(2, [...str(1, ''), ...int(2, -1), ...len(3, time(1704164645, 123456789)), ...len(4, [])])];
    expect(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', lease))).toStrictEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l' },
      spec: { holderIdentity: '', leaseDurationSeconds: -1, acquireTime: '2024-01-02T03:04:05.123456Z', renewTime: null },
    });
    // Time drops nanos; empty Time is null; Quantity stays a string; maps of messages.
    const objectMeta = [...str(1, 'p'), ...len(8, []), ...len(9, time(1704164645, 999))];
    const limits = len(1, [...str(1, 'cpu'), ...len(2, quantity('500m'))]);
    const container = [...str(1, 'c'), ...len(8, limits), ...len(10, len(1, len(2, len(2, ios(1, 0, 'http')))))];
    const pod = [...len(1, objectMeta), ...len(2, len(2, container))];
    expect(decodeProtobufObject(envelope('v1', 'Pod', pod))).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', creationTimestamp: null, deletionTimestamp: '2024-01-02T03:04:05Z' },
      spec: {
        containers: [{ name: 'c', resources: { limits: { cpu: '500m' } }, livenessProbe: { httpGet: { port: 'http' } } }],
      },
    });
    // bytes → base64, int64 beyond 2^53 → 400, an invalid quantity → 400.
    const secret = [...meta('s'), ...len(2, [...str(1, 'k'), ...len(2, [0, 1, 2, 255])])];
    expect(decodeProtobufObject(envelope('v1', 'Secret', secret))).toMatchObject({ data: { k: 'AAEC/w==' } });
    badRequestOf(() => decodeProtobufObject(envelope('v1', 'Pod', [...meta('p'), ...len(2, int(4, 2n ** 60n))])));
    const badQty = [...meta('q'), ...len(2, len(1, [...str(1, 'cpu'), ...len(2, quantity('lots'))]))];
    badRequestOf(() => decodeProtobufObject(envelope('v1', 'ResourceQuota', badQty)));
  });

  it('formats Go durations', () => {
    expect(formatDuration(0n)).toBe('0s');
    expect(formatDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(formatDuration(1_500_000_000n)).toBe('1.5s');
    expect(formatDuration(300_000_000n)).toBe('300ms');
    expect(formatDuration(-90_000_000_000n)).toBe('-1m30s');
  });
});

describe('content type and schema', () => {
  it('recognises the protobuf media type', () => {
    expect(isProtobufContentType(PROTOBUF_CONTENT_TYPE)).toBe(true);
    expect(isProtobufContentType('application/vnd.kubernetes.protobuf; charset=binary')).toBe(true);
    expect(isProtobufContentType('application/vnd.kubernetes.protobuf;stream=watch')).toBe(false);
    expect(isProtobufContentType('application/json')).toBe(false);
    expect(isProtobufContentType(undefined)).toBe(false);
  });

  it('resolves a message for every supported kind', () => {
    for (const key of supportedKinds()) {
      const kind = key.split('/').pop() as string;
      const apiVersion = key.slice(0, -kind.length - 1);
      expect(() => decodeProtobufObject(envelope(apiVersion, kind, []))).not.toThrow();
    }
    expect(lookupMessage('.k8s.io.api.core.v1.PodSpec').fieldsById[2].name).toBe('containers');
  });
});
