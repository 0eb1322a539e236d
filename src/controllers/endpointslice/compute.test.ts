import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Pod, Service } from '../endpoints/types.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, desiredSlices, planSlices, podToEndpoint, sliceLabels } from './compute.js';

function svc(extra: Partial<Service['spec']> = {}): Service {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { app: 'web', [SERVICE_NAME_LABEL]: 'spoof' } },
    spec: { selector: { app: 'web' }, clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }], ...extra },
  };
}

function pod(name: string, ip: string, opts: { ready?: boolean; deleting?: boolean; port?: number } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: opts.port ?? 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

describe('podToEndpoint', () => {
  it('sets ready/serving/terminating as upstream does', () => {
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1'), '1.1.1.1').conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1', { ready: false }), '1.1.1.1').conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1', { deleting: true }), '1.1.1.1').conditions).toEqual({ ready: false, serving: true, terminating: true });
    expect(podToEndpoint(svc({ publishNotReadyAddresses: true }), pod('a', '1.1.1.1', { deleting: true, ready: false }), '1.1.1.1').conditions)
      .toEqual({ ready: true, serving: false, terminating: true });
  });

  it('references the pod and its node', () => {
    expect(podToEndpoint(svc(), pod('a', '1.1.1.1'), '1.1.1.1')).toMatchObject({
      addresses: ['1.1.1.1'],
      nodeName: 'n1',
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
    });
  });
});

describe('desiredSlices', () => {
  it('keeps terminating pods, groups by resolved ports and chunks', () => {
    const pods = [pod('a', '1.1.1.1'), pod('b', '1.1.1.2', { deleting: true }), pod('c', '1.1.1.3', { port: 9090 })];
    const slices = desiredSlices(svc(), pods, 1);
    expect(slices.map((s) => [s.ports.map((p) => p.port), s.endpoints.map((e) => e.targetRef!.name)])).toEqual([
      [[8080], ['a']],
      [[8080], ['b']],
      [[9090], ['c']],
    ]);
  });

  it('gives an empty placeholder slice when nothing is selected', () => {
    expect(desiredSlices(svc(), [])).toEqual([{ ports: [], endpoints: [] }]);
  });
});

describe('sliceLabels', () => {
  it('copies service labels but owns service-name and managed-by', () => {
    expect(sliceLabels(svc())).toEqual({ app: 'web', [SERVICE_NAME_LABEL]: 'web', [MANAGED_BY_LABEL]: CONTROLLER_NAME });
    expect(sliceLabels(svc({ clusterIP: 'None' }))['service.kubernetes.io/headless']).toBe('');
  });
});

describe('planSlices', () => {
  it('creates one slice with generateName and an owner reference', () => {
    const plan = planSlices(svc(), [pod('a', '1.1.1.1')], [], '2024-01-01T00:00:00Z');
    expect(plan.updates).toEqual([]);
    expect(plan.deletes).toEqual([]);
    expect(plan.creates).toHaveLength(1);
    const s = plan.creates[0]!;
    expect(s.metadata.generateName).toBe('web-');
    expect(s.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    expect(s.metadata.annotations).toEqual({ 'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:00Z' });
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('leaves a matching slice alone, rewrites a stale one, deletes extras', () => {
    const first = planSlices(svc(), [pod('a', '1.1.1.1')], []).creates[0]!;
    const stored: EndpointSlice = { ...first, metadata: { ...first.metadata, name: 'web-abcde', resourceVersion: '1', uid: 's1' } };
    expect(planSlices(svc(), [pod('a', '1.1.1.1')], [stored])).toEqual({ creates: [], updates: [], deletes: [] });

    const extra: EndpointSlice = { ...stored, metadata: { ...stored.metadata, name: 'web-fghij', uid: 's2' } };
    const plan = planSlices(svc(), [pod('a', '1.1.1.1'), pod('b', '1.1.1.2')], [stored, extra]);
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toHaveLength(1);
    expect(plan.updates[0]!.metadata.name).toBe('web-abcde');
    expect(plan.updates[0]!.endpoints!.map((e) => e.addresses[0])).toEqual(['1.1.1.1', '1.1.1.2']);
    expect(plan.deletes.map((s) => s.metadata.name)).toEqual(['web-fghij']);
    // The cached object is untouched.
    expect(stored.endpoints).toHaveLength(1);
  });
});
