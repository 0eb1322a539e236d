import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { encodedOpenApiV2 } from './openapi-v2.js';
import { ResourceRegistry } from './registry.js';

// A tiny protobuf reader, independent of the encoder: every field of a message, by number, as raw
// bytes (length-delimited) or a number (varint). Enough to walk gnostic's openapi_v2.Document.
type Fields = Map<number, (Uint8Array | number)[]>;

function readVarint(buf: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at.pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
  }
}

function fields(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const tag = readVarint(buf, at);
    const wire = tag & 7;
    let value: Uint8Array | number;
    if (wire === 0) value = readVarint(buf, at);
    else if (wire === 2) {
      const n = readVarint(buf, at);
      if (at.pos + n > buf.length) throw new Error('truncated field');
      value = buf.subarray(at.pos, at.pos + n);
      at.pos += n;
    } else throw new Error(`unexpected wire type ${wire}`);
    const list = out.get(tag >>> 3) ?? [];
    list.push(value);
    out.set(tag >>> 3, list);
  }
  return out;
}

function messages(f: Fields, n: number): Fields[] {
  return (f.get(n) ?? []).map((v) => fields(v as Uint8Array));
}

function message(f: Fields, n: number): Fields {
  return messages(f, n)[0] ?? new Map();
}

function text(f: Fields, n: number): string {
  const v = f.get(n)?.[0];
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : '';
}

// The YAML kubectl reads here is flat `key: value` lines, values plain or double-quoted.
function parseFlatYaml(yaml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of yaml.split('\n').filter(Boolean)) {
    const [key, raw] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
    out[key] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return out;
}

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Mirrors kubectl 1.20's SupportsDryRun over the decoded protobuf Document. */
function supportsDryRun(doc: Fields, gvk: Gvk): boolean {
  // Document.paths = 8 → Paths.path = 2 → NamedPathItem { name 1, value 2 } → PathItem.patch = 8.
  for (const named of messages(message(doc, 8), 2)) {
    const patch = message(message(named, 2), 8);
    // Operation.vendor_extension = 13 → NamedAny { name 1, value 2 → Any.yaml 2 }.
    const ext = messages(patch, 13).find((e) => text(e, 1) === 'x-kubernetes-group-version-kind');
    if (!ext) continue;
    const value = parseFlatYaml(text(message(ext, 2), 2));
    if (value.group !== gvk.group || value.version !== gvk.version || value.kind !== gvk.kind) continue;
    // Operation.parameters = 8 → ParametersItem.parameter 1 → Parameter.non_body_parameter 2
    // → NonBodyParameter.query_parameter_sub_schema 3 → name 4.
    return messages(patch, 8).some((item) => text(message(message(message(item, 1), 2), 3), 4) === 'dryRun');
  }
  return false;
}

function widgetCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true }],
    },
  } as KubeObject;
}

describe('OpenAPI v2 document', () => {
  it('is a gnostic Document with swagger, info and no definitions', () => {
    const doc = fields(encodedOpenApiV2(new ResourceRegistry()).protobuf);
    expect(text(doc, 1)).toBe('2.0');
    expect(text(message(doc, 2), 1)).toBe('Kubernetes');
    expect(messages(doc, 9)).toEqual([new Map()]);
  });

  it('lets kubectl 1.20 find dry-run support for built-in kinds', () => {
    const doc = fields(encodedOpenApiV2(new ResourceRegistry()).protobuf);
    for (const gvk of [
      { group: '', version: 'v1', kind: 'Pod' },
      { group: '', version: 'v1', kind: 'Namespace' },
      { group: 'apps', version: 'v1', kind: 'Deployment' },
      { group: 'batch', version: 'v1', kind: 'Job' },
      { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' },
    ]) {
      expect(supportsDryRun(doc, gvk), `${gvk.group}/${gvk.version} ${gvk.kind}`).toBe(true);
    }
    expect(supportsDryRun(doc, { group: 'apps', version: 'v1', kind: 'Nope' })).toBe(false);
  });

  it('writes the core group as an empty YAML string and the patch action', () => {
    const doc = fields(encodedOpenApiV2(new ResourceRegistry()).protobuf);
    const item = messages(message(doc, 8), 2).find((p) => text(p, 1) === '/api/v1/namespaces/{namespace}/pods/{name}');
    expect(item).toBeDefined();
    const ext = messages(message(message(item!, 2), 8), 13).map((e) => [text(e, 1), text(message(e, 2), 2)]);
    expect(ext).toContainEqual(['x-kubernetes-group-version-kind', 'group: ""\nkind: Pod\nversion: v1\n']);
    expect(ext).toContainEqual(['x-kubernetes-action', 'patch\n']);
  });

  it('serves the same paths as JSON', () => {
    const json = JSON.parse(encodedOpenApiV2(new ResourceRegistry()).json);
    expect(json.swagger).toBe('2.0');
    expect(json.definitions).toEqual({});
    const patch = json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['dryRun', 'fieldManager', 'fieldValidation', 'force']));
  });

  it('is cached, and rebuilt when a CRD is served', () => {
    const registry = new ResourceRegistry();
    const first = encodedOpenApiV2(registry);
    expect(encodedOpenApiV2(registry)).toBe(first);
    registry.setCrd(widgetCrd());
    const second = encodedOpenApiV2(registry);
    expect(second).not.toBe(first);
    expect(supportsDryRun(fields(second.protobuf), { group: 'example.com', version: 'v1', kind: 'Widget' })).toBe(true);
    expect(supportsDryRun(fields(first.protobuf), { group: 'example.com', version: 'v1', kind: 'Widget' })).toBe(false);
  });
});
