import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { MemoryObjects } from './memobjects.js';
import type { Json } from './podstatus.js';
import { containerMounts, podVolumes, unsupportedVolumes, volumeFiles, VolumeSetupError } from './volumes.js';

function pod(volumes: Json[], containers: Json[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } }, spec: { volumes, containers, serviceAccountName: 'builder' } };
}

const objects = () => new MemoryObjects()
  .addConfigMap('shop', 'cfg', { 'app.conf': 'port=80', other: 'x' })
  .addConfigMap('shop', 'kube-root-ca.crt', { 'ca.crt': '-----BEGIN CERTIFICATE-----' })
  .addSecret('shop', 'sec', { password: 's3cret' });

const ctx = (o = objects()) => ({ podIP: '10.244.0.7', hostIP: '192.168.1.10', objects: o, allocatable: { cpu: '4', memory: '8Gi' } });

function text(files: { path: string; content: Buffer; mode: number }[] | undefined): Record<string, string> {
  return Object.fromEntries((files ?? []).map((f) => [f.path, `${f.mode.toString(8)} ${f.content.toString('utf8')}`]));
}

describe('pod volumes', () => {
  it('makes hostPath volumes node-scoped and everything else pod-scoped', () => {
    const p = pod([{ name: 'a', emptyDir: {} }, { name: 'b', hostPath: { path: '/data' } }, { name: 'c', configMap: { name: 'cfg' } }, { name: 'd', persistentVolumeClaim: { claimName: 'x' } }]);
    expect(podVolumes(p)).toEqual([
      { name: 'a', scope: 'pod' },
      { name: 'b', scope: 'node', hostPath: '/data' },
      { name: 'c', scope: 'pod' },
      { name: 'd', scope: 'pod' },
    ]);
    expect(unsupportedVolumes(p)).toEqual([{ name: 'd', kind: 'persistentVolumeClaim' }]);
  });

  it('mounts API-backed volumes read-only whatever the mount says', () => {
    const p = pod([{ name: 'a', emptyDir: {} }, { name: 'c', configMap: { name: 'cfg' } }]);
    const c = { name: 'app', volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'c', mountPath: '/c' }, { name: 'a', mountPath: '/ro', readOnly: true }] };
    expect(containerMounts(p, c, podVolumes(p)).map((m) => [m.containerPath, m.readOnly])).toEqual([['/a', false], ['/c', true], ['/ro', true]]);
    expect(() => containerMounts(p, { name: 'app', volumeMounts: [{ name: 'zz', mountPath: '/z' }] }, podVolumes(p))).toThrow('cannot find volume "zz"');
  });

  it('mounts a subPath, or a subPathExpr expanded from the env, and refuses paths leaving the volume', () => {
    const p = pod([{ name: 'a', emptyDir: {} }]);
    const mounts = containerMounts(p, { name: 'app', volumeMounts: [
      { name: 'a', mountPath: '/x', subPath: 'logs/' },
      { name: 'a', mountPath: '/y', subPathExpr: 'pods/$(POD_NAME)' },
    ] }, podVolumes(p), [{ name: 'POD_NAME', value: 'web-1' }]);
    expect(mounts.map((m) => m.subPath)).toEqual(['logs', 'pods/web-1']);
    expect(() => containerMounts(p, { name: 'app', volumeMounts: [{ name: 'a', mountPath: '/x', subPath: '../etc' }] }, podVolumes(p))).toThrow('must be a relative path inside the volume');
  });
});

describe('volumeFiles', () => {
  it('writes every key of a ConfigMap, or the items asked for with their modes', async () => {
    expect(text(await volumeFiles(pod([]), { name: 'c', configMap: { name: 'cfg' } }, ctx()))).toEqual({ 'app.conf': '644 port=80', other: '644 x' });
    const items = { name: 'c', configMap: { name: 'cfg', defaultMode: 0o600, items: [{ key: 'app.conf', path: 'conf/app.conf' }, { key: 'other', path: 'o', mode: 0o400 }] } };
    expect(text(await volumeFiles(pod([]), items, ctx()))).toEqual({ 'conf/app.conf': '600 port=80', o: '400 x' });
  });

  it('decodes Secrets', async () => {
    expect(text(await volumeFiles(pod([]), { name: 's', secret: { secretName: 'sec' } }, ctx()))).toEqual({ password: '644 s3cret' });
  });

  it('fails with FailedMount wording for a missing source or key, unless optional', async () => {
    await expect(volumeFiles(pod([]), { name: 'c', configMap: { name: 'gone' } }, ctx())).rejects.toThrow(new VolumeSetupError('c', 'configmap "gone" not found'));
    await expect(volumeFiles(pod([]), { name: 'c', configMap: { name: 'gone' } }, ctx())).rejects.toThrow('MountVolume.SetUp failed for volume "c" : configmap "gone" not found');
    await expect(volumeFiles(pod([]), { name: 'c', configMap: { name: 'cfg', items: [{ key: 'nope', path: 'n' }] } }, ctx())).rejects.toThrow('configmap references non-existent config key: nope');
    expect(await volumeFiles(pod([]), { name: 'c', configMap: { name: 'gone', optional: true } }, ctx())).toEqual([]);
  });

  it('writes downward API files', async () => {
    const v = { name: 'd', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }] } };
    expect(text(await volumeFiles(pod([]), v, ctx()))).toEqual({ labels: '644 app="web"', ip: '644 10.244.0.7' });
  });

  it('projects a bound service-account token, the cluster CA and the namespace (kube-api-access)', async () => {
    const o = objects();
    const v = {
      name: 'kube-api-access',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    };
    expect(text(await volumeFiles(pod([]), v, ctx(o)))).toEqual({ token: '644 token-for-builder', 'ca.crt': '644 -----BEGIN CERTIFICATE-----', namespace: '644 shop' });
    expect(o.tokenRequests).toEqual([{
      namespace: 'shop',
      serviceAccount: 'builder',
      spec: { expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'u-1' } },
    }]);
  });

  it('leaves emptyDir and hostPath empty', async () => {
    expect(await volumeFiles(pod([]), { name: 'a', emptyDir: {} }, ctx())).toBeUndefined();
    expect(await volumeFiles(pod([]), { name: 'b', hostPath: { path: '/x' } }, ctx())).toBeUndefined();
  });
});
