import { describe, expect, it } from 'vitest';
import {
  nodeAffinityFilter,
  nodeAffinityPreFilterNames,
  nodePortsFilter,
  nodeResourcesFitFilter,
  nodeUnschedulableFilter,
  taintTolerationFilter,
} from './filters.js';
import { newPodInfo, nodeInfoOf } from './nodeinfo.js';
import { makeNode, makePod } from './testing.js';

const info = (name: string, o: Parameters<typeof makePod>[1] = {}) => newPodInfo(makePod(name, o));

describe('NodeUnschedulable', () => {
  const cordoned = nodeInfoOf(makeNode('n', { unschedulable: true }));
  it('rejects cordoned nodes as unresolvable', () => {
    expect(nodeUnschedulableFilter(info('p'), cordoned)).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'], plugin: 'NodeUnschedulable' });
    expect(nodeUnschedulableFilter(info('p'), nodeInfoOf(makeNode('m')))).toBeUndefined();
  });
  it('admits pods tolerating node.kubernetes.io/unschedulable', () => {
    const p = info('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(nodeUnschedulableFilter(p, cordoned)).toBeUndefined();
  });
});

describe('TaintToleration', () => {
  const notReady = nodeInfoOf(makeNode('n', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }));
  it('names the first untolerated taint as upstream does', () => {
    expect(taintTolerationFilter(info('p'), notReady)?.reasons).toEqual(['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
    const gpu = nodeInfoOf(makeNode('g', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }));
    expect(taintTolerationFilter(info('p'), gpu)?.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
  });
  it('ignores PreferNoSchedule and honours tolerations', () => {
    const soft = nodeInfoOf(makeNode('s', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }));
    expect(taintTolerationFilter(info('p'), soft)).toBeUndefined();
    const p = info('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] } });
    expect(taintTolerationFilter(p, notReady)).toBeUndefined();
  });
});

describe('NodeAffinity', () => {
  const ssd = nodeInfoOf(makeNode('ssd', { labels: { disk: 'ssd' } }));
  const hdd = nodeInfoOf(makeNode('hdd', { labels: { disk: 'hdd' } }));
  it('applies nodeSelector', () => {
    const p = info('p', { spec: { nodeSelector: { disk: 'ssd' } } });
    expect(nodeAffinityFilter(p, ssd)).toBeUndefined();
    expect(nodeAffinityFilter(p, hdd)?.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });
  it('ORs required terms', () => {
    const terms = [
      { matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] },
      { matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] },
    ];
    const p = info('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } });
    expect(nodeAffinityFilter(p, hdd)).toBeUndefined();
    expect(nodeAffinityFilter(p, ssd)?.code).toBe('UnschedulableAndUnresolvable');
  });
  it('narrows to named nodes when every term uses matchFields metadata.name (DaemonSet pods)', () => {
    const term = (n: string) => ({ matchFields: [{ key: 'metadata.name', operator: 'In', values: [n] }] });
    const ds = info('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term('a'), term('b')] } } } } });
    expect([...nodeAffinityPreFilterNames(ds)!]).toEqual(['a', 'b']);
    expect(nodeAffinityPreFilterNames(info('q'))).toBeUndefined();
  });
});

describe('NodePorts', () => {
  it('conflicts on the same protocol and port, wildcard IPs included', () => {
    const node = nodeInfoOf(makeNode('n'), [info('a', { hostPort: 8080 })]);
    expect(nodePortsFilter(info('b', { hostPort: 8080 }), node)?.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    expect(nodePortsFilter(info('c', { hostPort: 8081 }), node)).toBeUndefined();
    const udp = info('d', { spec: { containers: [{ name: 'c', ports: [{ containerPort: 1, hostPort: 8080, protocol: 'UDP' }] }] } });
    expect(nodePortsFilter(udp, node)).toBeUndefined();
  });
  it('allows distinct specific host IPs', () => {
    const withIp = (n: string, ip: string) => info(n, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 1, hostPort: 53, hostIP: ip }] }] } });
    const node = nodeInfoOf(makeNode('n'), [withIp('a', '10.0.0.1')]);
    expect(nodePortsFilter(withIp('b', '10.0.0.2'), node)).toBeUndefined();
    expect(nodePortsFilter(withIp('c', '10.0.0.1'), node)).toBeDefined();
    expect(nodePortsFilter(info('d', { hostPort: 53 }), node)).toBeDefined();
  });
});

describe('NodeResourcesFit', () => {
  it('reports every insufficient resource in upstream order', () => {
    const node = nodeInfoOf(makeNode('n', { cpu: '1', memory: '1Gi' }), [info('a', { cpu: '800m', memory: '900Mi' })]);
    expect(nodeResourcesFitFilter(info('p', { cpu: '300m', memory: '200Mi' }), node)).toEqual({
      code: 'Unschedulable',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
      plugin: 'NodeResourcesFit',
    });
    expect(nodeResourcesFitFilter(info('p', { cpu: '200m' }), node)).toBeUndefined();
  });
  it('counts pods against allocatable pods, even for pods requesting nothing', () => {
    const node = nodeInfoOf(makeNode('n', { pods: 1 }), [info('a')]);
    expect(nodeResourcesFitFilter(info('p'), node)?.reasons).toEqual(['Too many pods']);
  });
  it('checks extended resources the node lacks', () => {
    const p = info('p', { spec: { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '1' } } }] } });
    expect(nodeResourcesFitFilter(p, nodeInfoOf(makeNode('n')))?.reasons).toEqual(['Insufficient nvidia.com/gpu']);
    expect(nodeResourcesFitFilter(p, nodeInfoOf(makeNode('g', { extra: { 'nvidia.com/gpu': '1' } })))).toBeUndefined();
  });
  it('uses the init container max rule', () => {
    const node = nodeInfoOf(makeNode('n', { cpu: '1' }));
    const p = info('p', { cpu: '100m', spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '1500m' } } }] } });
    expect(nodeResourcesFitFilter(p, node)?.reasons).toEqual(['Insufficient cpu']);
  });
});
