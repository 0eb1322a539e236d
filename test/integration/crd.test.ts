// A CustomResourceDefinition applied with kubectl 1.32; its objects created, listed, patched and deleted.
import { beforeAll, describe, expect, it } from 'vitest';
import { gizmoCrd, widget, widgetCrd } from '../helpers/manifests.js';
import { AGE, eventually, header, row, useControlPlane } from '../helpers/suite.js';

const s = useControlPlane();
const k = () => s.kubectl('1.32');
const NS = 'cr';

beforeAll(async () => {
  await k().ok(['create', 'namespace', NS]);
});

describe('CustomResourceDefinition', () => {
  it('is created and becomes Established', async () => {
    const out = await k().ok(['apply', '-f', await s.file('crd.yaml', widgetCrd)]);
    expect(out.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    const wait = await k().ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
    expect(wait.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met');
    const crds = await k().ok(['get', 'crd']);
    expect(header(crds)).toEqual(['NAME', 'CREATED AT']);
    expect(row(crds, 'widgets.example.com')[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('is served in discovery', async () => {
    const out = await eventually(async () => {
      const o = await k().ok(['api-resources', '--api-group=example.com']);
      if (!o.includes('widgets')) throw new Error(`widgets not in discovery yet:\n${o}`);
      return o;
    });
    expect(out).toMatch(/^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
  });

  it('creates custom objects with create -f and apply -f', async () => {
    const created = await k().ok(['create', '-f', await s.file('w1.yaml', widget('w1', 3, NS))]);
    expect(created.trim()).toBe('widget.example.com/w1 created');
    const applied = await k().ok(['apply', '-f', await s.file('w2.yaml', widget('w2', 7, NS))]);
    expect(applied.trim()).toBe('widget.example.com/w2 created');
    const again = await k().ok(['apply', '-f', await s.file('w2b.yaml', widget('w2', 8, NS))]);
    expect(again.trim()).toBe('widget.example.com/w2 configured');
  });

  it('lists them with the printer columns, by plural, singular and short name', async () => {
    for (const name of ['widgets', 'widget', 'wd', 'widgets.example.com']) {
      const out = await k().ok(['get', name, '-n', NS]);
      expect(header(out)).toEqual(['NAME', 'SIZE', 'AGE']);
      const [, size, age] = row(out, 'w1');
      expect(size).toBe('3');
      expect(age).toMatch(AGE);
      expect(row(out, 'w2')[1]).toBe('8');
    }
    const all = await k().ok(['get', 'widgets', '-A']);
    expect(header(all)).toEqual(['NAMESPACE', 'NAME', 'SIZE', 'AGE']);
    const json = JSON.parse(await k().ok(['get', 'widget', 'w1', '-n', NS, '-o', 'json']));
    expect(json).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: NS }, spec: { size: 3 } });
    expect(json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows custom objects in get all through the category', async () => {
    const out = await k().ok(['get', 'all', '-n', NS]);
    expect(out).toMatch(/^widget\.example\.com\/w1\s+3\s+\S+$/m);
  });

  it('patches, labels and watches them', async () => {
    const w = k().stream(['get', 'widgets', '-n', NS, '-w']);
    try {
      await w.waitForLine(/^w1\s+3\s+/);
      const out = await k().ok(['patch', 'widget', 'w1', '-n', NS, '--type=merge', '-p', '{"spec":{"size":5}}']);
      expect(out.trim()).toBe('widget.example.com/w1 patched');
      await w.waitForLine(/^w1\s+5\s+/);
    } finally {
      await w.stop();
    }
    const json = await k().ok(['patch', 'widget', 'w1', '-n', NS, '--type=json', '-p', '[{"op":"add","path":"/spec/color","value":"red"}]']);
    expect(json.trim()).toBe('widget.example.com/w1 patched');
    expect((await k().ok(['label', 'widget', 'w1', 'tier=gold', '-n', NS])).trim()).toBe('widget.example.com/w1 labeled');
    const obj = JSON.parse(await k().ok(['get', 'widget', 'w1', '-n', NS, '-o', 'json']));
    expect(obj.spec).toEqual({ size: 5, color: 'red' });
    expect(obj.metadata.labels).toEqual({ tier: 'gold' });
    expect((await k().ok(['get', 'wd', '-n', NS, '-l', 'tier=gold', '-o', 'name'])).trim()).toBe('widget.example.com/w1');
  });

  it('deletes custom objects', async () => {
    const out = await k().ok(['delete', 'widget', 'w1', '-n', NS]);
    expect(out.trim()).toMatch(/^widget\.example\.com "w1" deleted/);
    const r = await k().run(['get', 'widget', 'w1', '-n', NS]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): widgets.example.com "w1" not found');
  });

  it('serves a cluster-scoped CRD', async () => {
    await k().ok(['apply', '-f', await s.file('gizmo-crd.yaml', gizmoCrd)]);
    await k().ok(['wait', '--for=condition=Established', 'crd/gizmos.example.com', '--timeout=20s']);
    const created = await eventually(() => k().ok(['apply', '-f', '-'], {
      stdin: 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g1\nanything:\n  goes: [1, 2]\n',
    }));
    expect(created.trim()).toBe('gizmo.example.com/g1 created');
    const list = await k().ok(['get', 'gizmos']);
    expect(header(list)).toEqual(['NAME', 'AGE']);
    expect(row(list, 'g1')[1]).toMatch(AGE);
    expect(JSON.parse(await k().ok(['get', 'gizmo', 'g1', '-o', 'json'])).anything).toEqual({ goes: [1, 2] });
    expect((await k().ok(['delete', 'gizmos', '--all'])).trim()).toMatch(/^gizmo\.example\.com "g1" deleted/);
  });

  it('deleting the CRD removes its objects and its API', async () => {
    const out = await k().ok(['delete', '-f', await s.file('crd.yaml', widgetCrd)]);
    expect(out.trim()).toMatch(/^customresourcedefinition\.apiextensions\.k8s\.io "widgets\.example\.com" deleted/);
    await eventually(async () => {
      const r = await k().run(['get', 'widgets', '-n', NS]);
      if (r.code === 0) throw new Error(`widgets still served:\n${r.stdout}`);
      // Fresh discovery says the type is gone; a discovery cache from before the deletion makes
      // kubectl try the list, which must then be a 404.
      expect(r.stderr).toMatch(/the server doesn't have a resource type "widgets"|Error from server \(NotFound\): Unable to list "example\.com\/v1, Resource=widgets": the server could not find the requested resource/);
    }, 15_000, 500);
    const api = await k().ok(['api-resources', '--api-group=example.com', '-o', 'name']);
    expect(api.trim()).toBe('gizmos.example.com');
  });
});
