import { describe, expect, it } from 'vitest';
import type { ResourceDef } from '../api/resource.js';
import type { KubeObject } from '../api/types.js';
import { DefaultTolerationSeconds } from './admission.js';

const podDef = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true } as unknown as ResourceDef;
const pod = (tolerations?: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...(tolerations ? { tolerations } : {}) } });

describe('DefaultTolerationSeconds', () => {
  it('adds not-ready and unreachable NoExecute tolerations of the configured seconds', () => {
    const p = pod();
    new DefaultTolerationSeconds(7).create(podDef, p);
    expect((p.spec as any).tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 },
    ]);
  });

  it('keeps a pod\'s own toleration for a key, and one that tolerates everything', () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 };
    const p = pod([own]);
    new DefaultTolerationSeconds().create(podDef, p);
    expect((p.spec as any).tolerations).toEqual([own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    const all = pod([{ operator: 'Exists' }]);
    new DefaultTolerationSeconds().create(podDef, all);
    expect((all.spec as any).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('leaves other kinds alone', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    new DefaultTolerationSeconds().create({ ...podDef, kind: 'ConfigMap', plural: 'configmaps' } as ResourceDef, cm);
    expect(cm.spec).toBeUndefined();
  });
});
