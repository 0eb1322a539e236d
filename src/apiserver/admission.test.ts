import { describe, expect, it } from 'vitest';
import type { ResourceDef } from '../api/resource.js';
import type { KubeObject } from '../api/types.js';
import { DefaultTolerationSeconds, ServiceAccountAdmission } from './admission.js';

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

describe('ServiceAccountAdmission', () => {
  const withContainers = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { serviceAccountName: 'default', containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], ...spec },
  });
  const admit = (account?: Record<string, unknown>) => new ServiceAccountAdmission(async () => account as KubeObject | undefined);

  it('mounts a kube-api-access volume with the token, the cluster CA and the namespace into every container', async () => {
    const p = withContainers({ initContainers: [{ name: 'init' }] });
    await admit({ metadata: { name: 'default' } }).create(podDef, p);
    const spec = p.spec as any;
    expect(spec.volumes).toHaveLength(1);
    const volume = spec.volumes[0];
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected.sources.map((s: object) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.volumeMounts).toContainEqual({ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
    }
    expect(spec.containers[1].volumeMounts[0]).toEqual({ name: 'data', mountPath: '/data' });
  });

  it('leaves pods that opt out, accounts that opt out, mirror pods and containers that mount the path themselves', async () => {
    const optOut = withContainers({ automountServiceAccountToken: false });
    await admit().create(podDef, optOut);
    expect((optOut.spec as any).volumes).toBeUndefined();
    const accountOptOut = withContainers({});
    await admit({ automountServiceAccountToken: false }).create(podDef, accountOptOut);
    expect((accountOptOut.spec as any).volumes).toBeUndefined();
    const podWins = withContainers({ automountServiceAccountToken: true });
    await admit({ automountServiceAccountToken: false }).create(podDef, podWins);
    expect((podWins.spec as any).volumes).toHaveLength(1);
    const mirror = withContainers({}, { 'kubernetes.io/config.mirror': 'x' });
    await admit().create(podDef, mirror);
    expect((mirror.spec as any).volumes).toBeUndefined();
    const own = withContainers({ containers: [{ name: 'a', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }] });
    await admit().create(podDef, own);
    expect((own.spec as any).volumes).toBeUndefined();
  });
});
