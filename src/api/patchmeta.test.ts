import { describe, expect, it } from 'vitest';
import { fieldPatchMeta, hasPatchStrategy, patchMetaFor, type PatchMeta } from './patchmeta.js';
import { builtinResources } from './resources/index.js';

/** Follows field names (and "[]" for list elements) through the metadata. */
function at(meta: PatchMeta | undefined, path: string): PatchMeta | undefined {
  let cur = meta;
  for (const step of path.split('.')) cur = step === '[]' ? cur?.items : fieldPatchMeta(cur, step);
  return cur;
}

const podSpecPaths: Record<string, string> = {
  Pod: 'spec',
  PodTemplate: 'template.spec',
  ReplicationController: 'spec.template.spec',
  Deployment: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

describe('patchMetaFor', () => {
  it('covers every stored built-in kind, each with ObjectMeta', () => {
    for (const def of builtinResources.filter((d) => !d.virtual)) {
      const meta = patchMetaFor(def.group, def.kind);
      expect(meta, `${def.kind}.${def.group}`).toBeDefined();
      expect(at(meta, 'metadata.ownerReferences')).toEqual({ strategy: 'merge', mergeKey: 'uid' });
      expect(at(meta, 'metadata.finalizers')).toEqual({ strategy: 'merge' });
    }
  });

  it('is undefined for kinds it does not know (custom resources)', () => {
    expect(patchMetaFor('example.com', 'Widget')).toBeUndefined();
    expect(patchMetaFor('', 'Deployment')).toBeUndefined();
  });

  it('finds the pod template of every workload, with the container tags', () => {
    for (const [kind, path] of Object.entries(podSpecPaths)) {
      const group = ['Pod', 'PodTemplate', 'ReplicationController'].includes(kind) ? '' : ['Job', 'CronJob'].includes(kind) ? 'batch' : 'apps';
      const pod = at(patchMetaFor(group, kind), path);
      expect(at(pod, 'containers'), kind).toMatchObject({ strategy: 'merge', mergeKey: 'name' });
      expect(at(pod, 'initContainers'), kind).toMatchObject({ strategy: 'merge', mergeKey: 'name' });
      expect(at(pod, 'volumes'), kind).toEqual({ strategy: 'merge,retainKeys', mergeKey: 'name' });
      expect(at(pod, 'containers.[].ports'), kind).toEqual({ strategy: 'merge', mergeKey: 'containerPort' });
      expect(at(pod, 'containers.[].env'), kind).toEqual({ strategy: 'merge', mergeKey: 'name' });
      expect(at(pod, 'containers.[].volumeMounts'), kind).toEqual({ strategy: 'merge', mergeKey: 'mountPath' });
      expect(at(pod, 'containers.[].volumeDevices'), kind).toEqual({ strategy: 'merge', mergeKey: 'devicePath' });
      expect(at(pod, 'containers.[].args'), kind).toBeUndefined();
      expect(at(pod, 'tolerations'), kind).toBeUndefined();
      expect(at(pod, 'imagePullSecrets'), kind).toEqual({ strategy: 'merge', mergeKey: 'name' });
      expect(at(pod, 'hostAliases'), kind).toEqual({ strategy: 'merge', mergeKey: 'ip' });
      expect(at(pod, 'topologySpreadConstraints'), kind).toEqual({ strategy: 'merge', mergeKey: 'topologyKey' });
      expect(at(pod, 'ephemeralContainers.[].env'), kind).toEqual({ strategy: 'merge', mergeKey: 'name' });
      expect(at(patchMetaFor(group, kind), path.replace(/spec$/, 'metadata.finalizers')), kind).toEqual({ strategy: 'merge' });
    }
  });

  it('has the tags of status and other specs', () => {
    expect(at(patchMetaFor('', 'Pod'), 'status.conditions')).toEqual({ strategy: 'merge', mergeKey: 'type' });
    expect(at(patchMetaFor('', 'Pod'), 'status.podIPs')).toEqual({ strategy: 'merge', mergeKey: 'ip' });
    expect(at(patchMetaFor('', 'Pod'), 'status.containerStatuses')).toBeUndefined();
    expect(at(patchMetaFor('', 'Node'), 'status.addresses')).toEqual({ strategy: 'merge', mergeKey: 'type' });
    expect(at(patchMetaFor('', 'Node'), 'spec.taints')).toBeUndefined();
    expect(at(patchMetaFor('', 'Service'), 'spec.ports')).toEqual({ strategy: 'merge', mergeKey: 'port' });
    expect(at(patchMetaFor('', 'ServiceAccount'), 'secrets')).toEqual({ strategy: 'merge', mergeKey: 'name' });
    expect(at(patchMetaFor('apps', 'Deployment'), 'spec.strategy')).toEqual({ strategy: 'retainKeys' });
    for (const [group, kind] of [['apps', 'Deployment'], ['apps', 'StatefulSet'], ['batch', 'Job'], ['policy', 'PodDisruptionBudget'], ['autoscaling', 'HorizontalPodAutoscaler'], ['', 'Namespace'], ['', 'PersistentVolumeClaim']]) {
      expect(at(patchMetaFor(group, kind), 'status.conditions'), kind).toEqual({ strategy: 'merge', mergeKey: 'type' });
    }
  });

  it('reads strategies', () => {
    expect(hasPatchStrategy({ strategy: 'merge,retainKeys' }, 'retainKeys')).toBe(true);
    expect(hasPatchStrategy({ strategy: 'merge,retainKeys' }, 'merge')).toBe(true);
    expect(hasPatchStrategy({ strategy: 'retainKeys' }, 'merge')).toBe(false);
    expect(hasPatchStrategy(undefined, 'merge')).toBe(false);
    expect(fieldPatchMeta({ items: { fields: { a: { strategy: 'merge' } } } }, 'anyKey')).toEqual({ fields: { a: { strategy: 'merge' } } });
    expect(fieldPatchMeta({ strategy: 'merge', mergeKey: 'name', items: {} }, 'x')).toBeUndefined();
  });
});
