import { describe, expect, it } from 'vitest';
import { patchMetaFor } from '../../api/patchmeta.js';
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../errors.js';
import { APPLY_PATCH, applyPatch, isApplyPatch, mergePatch, PATCH_CONTENT_TYPES } from './index.js';

function configMap(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default', labels: { a: '1', b: '2' }, resourceVersion: '5' },
    data: { x: '1', y: '2' },
  };
}

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 1,
      template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } },
    },
  };
}

function errorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected an error');
}

const json = (v: unknown) => JSON.stringify(v);

describe('applyPatch: application/json-patch+json', () => {
  const type = 'application/json-patch+json';

  it('applies add, replace, remove, move, copy and test', () => {
    const original = configMap();
    const ops = [
      { op: 'test', path: '/data/x', value: '1' },
      { op: 'replace', path: '/data/x', value: '10' },
      { op: 'add', path: '/data/z', value: '3' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'move', from: '/data/y', path: '/data/w' },
      { op: 'copy', from: '/data/z', path: '/data/v' },
    ];
    const result = applyPatch(type, original, json(ops), undefined);
    expect(result.data).toEqual({ x: '10', z: '3', w: '2', v: '3' });
    expect(result.metadata.labels).toEqual({ b: '2' });
    expect(original).toEqual(configMap()); // untouched
  });

  it('applies kubectl rollout undo (replace of the template and the annotations)', () => {
    const ops = [
      { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'web', image: 'nginx:0' }] } } },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
    ];
    // replace of a missing member is refused by RFC 6902; kubectl's undo patch works because
    // annotations exist on a deployment. Give them.
    const original = deployment();
    original.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
    const result = applyPatch(type, original, json(ops), undefined);
    expect(result.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect((result.spec as { template: unknown }).template).toEqual({ spec: { containers: [{ name: 'web', image: 'nginx:0' }] } });
  });

  it('answers a failed test with upstream\'s 422', () => {
    const err = errorOf(() => applyPatch(type, configMap(), json([{ op: 'test', path: '/data/x', value: 'nope' }]), undefined));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.message).toBe('the server rejected our request due to an error in our request');
  });

  it('answers a bad path or an unknown op with 422', () => {
    for (const op of [
      { op: 'replace', path: '/data/missing', value: 'x' },
      { op: 'remove', path: '/metadata/annotations/x' },
      { op: 'add', path: '/no/such/parent', value: 1 },
      { op: 'explode', path: '/data' },
    ]) {
      expect(errorOf(() => applyPatch(type, configMap(), json([op]), undefined)).code).toBe(422);
    }
  });

  it('refuses a body that is not a JSON array with 400', () => {
    expect(errorOf(() => applyPatch(type, configMap(), '{"op":"add"}', undefined)).message).toBe(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
    expect(errorOf(() => applyPatch(type, configMap(), '[{', undefined)).code).toBe(400);
  });

  it('treats null as an empty patch', () => {
    expect(applyPatch(type, configMap(), 'null', undefined)).toEqual(configMap());
  });

  it('caps the number of operations like upstream (413)', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }));
    const err = errorOf(() => applyPatch(type, configMap(), json(ops), undefined));
    expect(err.code).toBe(413);
    expect(err.message).toContain('The allowed maximum operations in a JSON patch is 10000, got 10001');
  });
});

describe('applyPatch: application/merge-patch+json', () => {
  const type = 'application/merge-patch+json';

  it('merges maps, deletes with null and replaces lists (kubectl label/annotate)', () => {
    const original = deployment();
    const patch = { metadata: { labels: { app: 'web' } }, spec: { template: { spec: { containers: [{ name: 'only' }] } } } };
    const result = applyPatch(type, original, Buffer.from(json(patch)), undefined);
    expect(result.metadata.labels).toEqual({ app: 'web' });
    expect((result.spec as { template: { spec: unknown } }).template.spec).toEqual({ containers: [{ name: 'only' }] });
    expect(original).toEqual(deployment());
    const removed = applyPatch(type, configMap(), json({ metadata: { labels: { a: null } }, data: null }), undefined);
    expect(removed.metadata.labels).toEqual({ b: '2' });
    expect(removed).not.toHaveProperty('data');
  });

  it('applies kubectl scale on /scale', () => {
    const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 1 } } as KubeObject;
    expect(applyPatch(type, scale, '{"spec":{"replicas":3}}', undefined).spec).toEqual({ replicas: 3 });
  });

  it('refuses invalid JSON and non-object patches with 400 "Invalid JSON Patch"', () => {
    for (const body of ['{', '[1]', '"x"']) {
      const err = errorOf(() => applyPatch(type, configMap(), body, undefined));
      expect([err.code, err.message]).toEqual([400, 'Invalid JSON Patch']);
    }
  });

  it('RFC 7386 examples', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});

describe('applyPatch: application/strategic-merge-patch+json', () => {
  it('dispatches with the kind\'s metadata, ignoring content-type parameters', () => {
    const patch = '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"side"}],"containers":[{"image":"nginx:2","name":"web"}]}}}}';
    const result = applyPatch('application/strategic-merge-patch+json; charset=utf-8', deployment(), Buffer.from(patch), patchMetaFor('apps', 'Deployment'));
    expect((result.spec as { template: { spec: { containers: unknown } } }).template.spec.containers).toEqual([
      { name: 'web', image: 'nginx:2' },
      { name: 'side', image: 'busybox' },
    ]);
  });

  it('refuses a body that does not parse with 400', () => {
    const err = errorOf(() => applyPatch('application/strategic-merge-patch+json', deployment(), '{"spec":', undefined));
    expect(err.code).toBe(400);
    expect(errorOf(() => applyPatch('application/strategic-merge-patch+json', deployment(), '[]', undefined)).message).toBe(
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });
});

describe('applyPatch: other content types', () => {
  it('answers an unknown patch type with 415 listing the accepted ones', () => {
    const err = errorOf(() => applyPatch('application/json', configMap(), '{}', undefined));
    expect(err.code).toBe(415);
    expect(err.reason).toBe('UnsupportedMediaType');
    expect(err.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('server-side applies when given a field manager, and requires one', () => {
    const result = applyPatch(APPLY_PATCH, configMap(), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: "9"\n', undefined, 'kubectl');
    expect(result.data).toEqual({ x: '9', y: '2' });
    expect(result.metadata.managedFields).toHaveLength(1);
    expect(errorOf(() => applyPatch(APPLY_PATCH, configMap(), 'data: {}', undefined)).code).toBe(400);
    expect(errorOf(() => applyPatch(APPLY_PATCH, configMap(), 'a: [', undefined, 'm')).message).toContain('error decoding YAML');
  });

  it('lists the patch types and recognises apply', () => {
    expect(PATCH_CONTENT_TYPES).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(isApplyPatch('application/apply-patch+yaml; charset=utf-8')).toBe(true);
    expect(isApplyPatch('application/merge-patch+json')).toBe(false);
    expect(isApplyPatch(undefined)).toBe(false);
  });
});
