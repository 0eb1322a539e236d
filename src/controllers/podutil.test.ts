import { describe, expect, it } from 'vitest';
import {
  computeHash, controllerRefOf, filterActivePods, fnv32a, isControlledBy, isPodActive, isPodAvailable, isPodReady,
  labelSelectorMatches, newControllerRef, podFromTemplate, podPhase, safeEncodeString, selectorToString, type PodLike,
} from './podutil.js';

function pod(status: PodLike['status'], meta: Partial<PodLike['metadata']> = {}): PodLike {
  return { metadata: { name: 'p', namespace: 'ns', ...meta }, spec: {}, status };
}
const ready = (since: string) => ({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] });

describe('pod state', () => {
  it('reads phase, readiness and availability', () => {
    expect(podPhase(pod(undefined))).toBe('Pending');
    expect(isPodReady(pod(undefined))).toBe(false);
    expect(isPodReady(pod({ conditions: [{ type: 'Ready', status: 'False' }] }))).toBe(false);
    const p = pod(ready('2024-01-01T00:00:00Z'));
    expect(isPodReady(p)).toBe(true);
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    expect(isPodAvailable(p, 0, t0)).toBe(true);
    expect(isPodAvailable(p, 10, t0 + 9_999)).toBe(false);
    expect(isPodAvailable(p, 10, t0 + 10_000)).toBe(true);
    expect(isPodAvailable(p, 10, new Date(t0 + 10_000))).toBe(true);
    expect(isPodAvailable(pod({ phase: 'Running' }), 0, t0)).toBe(false);
  });

  it('active means not finished and not being deleted', () => {
    const pods = [
      pod({ phase: 'Running' }, { name: 'a' }),
      pod({ phase: 'Pending' }, { name: 'b' }),
      pod({ phase: 'Succeeded' }, { name: 'c' }),
      pod({ phase: 'Failed' }, { name: 'd' }),
      pod({ phase: 'Running' }, { name: 'e', deletionTimestamp: '2024-01-01T00:00:00Z' }),
    ];
    expect(isPodActive(pods[0]!)).toBe(true);
    expect(filterActivePods(pods).map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('controller references and templates', () => {
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d59d67564', namespace: 'ns', uid: 'u-rs' } };

  it('makes and finds controller refs', () => {
    const ref = newControllerRef(owner, 'apps/v1', 'ReplicaSet');
    expect(ref).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d59d67564', uid: 'u-rs', controller: true, blockOwnerDeletion: true });
    const child = { metadata: { name: 'c', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u-x' }, ref] } };
    expect(controllerRefOf(child)).toBe(ref);
    expect(isControlledBy(child, owner)).toBe(true);
    expect(controllerRefOf({ metadata: { name: 'orphan' } })).toBeUndefined();
  });

  it('builds the pod a controller posts from its template', () => {
    const template = {
      metadata: { labels: { app: 'web' }, annotations: { a: '1' }, finalizers: ['f'] },
      spec: { containers: [{ name: 'main', image: 'nginx' }] },
    };
    const p = podFromTemplate(template, owner, 'apps/v1', 'ReplicaSet', 'ns');
    expect(p).toEqual({
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        namespace: 'ns', generateName: 'web-5d59d67564-', labels: { app: 'web' }, annotations: { a: '1' }, finalizers: ['f'],
        ownerReferences: [newControllerRef(owner, 'apps/v1', 'ReplicaSet')],
      },
      spec: { containers: [{ name: 'main', image: 'nginx' }] },
    });
    // The template is copied, not shared.
    (p.spec!.containers as { image: string }[])[0]!.image = 'changed';
    expect(template.spec.containers[0]!.image).toBe('nginx');

    const s = podFromTemplate(template, owner, 'apps/v1', 'StatefulSet', 'ns', {
      name: 'web-0', labels: { 'apps.kubernetes.io/pod-index': '0' }, annotations: { b: '2' }, hostname: 'web-0', subdomain: 'web', nodeName: 'n1',
    });
    expect(s.metadata.name).toBe('web-0');
    expect(s.metadata.generateName).toBeUndefined();
    expect(s.metadata.labels).toEqual({ app: 'web', 'apps.kubernetes.io/pod-index': '0' });
    expect(s.metadata.annotations).toEqual({ a: '1', b: '2' });
    expect(s.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web', nodeName: 'n1' });
    expect(podFromTemplate({}, owner, 'batch/v1', 'Job', 'ns', { generateName: 'job-x-' }).metadata.generateName).toBe('job-x-');
  });
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };

  it('matches matchLabels and every operator', () => {
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, undefined)).toBe(false);
    const expr = (operator: string, key = 'tier', values?: string[]) => ({ matchExpressions: [{ key, operator, values }] });
    expect(labelSelectorMatches(expr('In', 'tier', ['front', 'back']), labels)).toBe(true);
    expect(labelSelectorMatches(expr('In', 'tier', ['back']), labels)).toBe(false);
    expect(labelSelectorMatches(expr('In', 'missing', ['x']), labels)).toBe(false);
    expect(labelSelectorMatches(expr('NotIn', 'tier', ['back']), labels)).toBe(true);
    expect(labelSelectorMatches(expr('NotIn', 'tier', ['front']), labels)).toBe(false);
    expect(labelSelectorMatches(expr('NotIn', 'missing', ['x']), labels)).toBe(true);
    expect(labelSelectorMatches(expr('Exists'), labels)).toBe(true);
    expect(labelSelectorMatches(expr('Exists', 'missing'), labels)).toBe(false);
    expect(labelSelectorMatches(expr('DoesNotExist', 'missing'), labels)).toBe(true);
    expect(labelSelectorMatches(expr('DoesNotExist'), labels)).toBe(false);
    expect(labelSelectorMatches(expr('Bogus'), labels)).toBe(false);
  });

  it('renders the string form', () => {
    expect(selectorToString({
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'x', operator: 'NotIn', values: ['1'] },
        { key: 'y', operator: 'Exists' },
        { key: 'z', operator: 'DoesNotExist' },
      ],
    })).toBe('app=web,tier=front,env in (dev,prod),x notin (1),y,!z');
    expect(selectorToString(undefined)).toBe('');
  });
});

describe('computeHash', () => {
  it('uses fnv32a and upstream SafeEncodeString', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(fnv32a(bytes(''))).toBe(0x811c9dc5);
    expect(fnv32a(bytes('a'))).toBe(0xe40c292c);
    expect(fnv32a(bytes('foobar'))).toBe(0xbf9cf968);
    expect(safeEncodeString('2166136261')).toBe('65bb57b6b5');
  });

  it('is stable, short, order-insensitive and sensitive to content and collision count', () => {
    const a = computeHash({ spec: { containers: [{ name: 'main', image: 'nginx' }] }, metadata: { labels: { app: 'web' } } });
    const b = computeHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ image: 'nginx', name: 'main' }] } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(a.length).toBeGreaterThanOrEqual(8);
    expect(computeHash({ spec: { containers: [{ name: 'main', image: 'nginx:2' }] } })).not.toBe(a);
    expect(computeHash({ x: 1 }, 1)).not.toBe(computeHash({ x: 1 }));
    expect(computeHash({ x: 1 }, 1)).toBe(computeHash({ x: 1 }, 1));
  });
});
