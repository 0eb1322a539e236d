import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { defaultPrinter, eventsV1EventPrinter, humanDuration, printerFor, translateTimestampSince } from './index.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ctx = { now: NOW };

/** Every built-in kind with a printer upstream, with its first columns. */
const KINDS: [string, string, string[]][] = [
  ['', 'Pod', ['Name', 'Ready', 'Status', 'Restarts', 'Age']],
  ['', 'PodTemplate', ['Name', 'Containers', 'Images', 'Pod Labels']],
  ['', 'ReplicationController', ['Name', 'Desired', 'Current', 'Ready', 'Age']],
  ['', 'Service', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age']],
  ['', 'Endpoints', ['Name', 'Endpoints', 'Age']],
  ['', 'Node', ['Name', 'Status', 'Roles', 'Age', 'Version']],
  ['', 'Namespace', ['Name', 'Status', 'Age']],
  ['', 'ConfigMap', ['Name', 'Data', 'Age']],
  ['', 'Secret', ['Name', 'Type', 'Data', 'Age']],
  ['', 'ServiceAccount', ['Name', 'Secrets', 'Age']],
  ['', 'Event', ['Last Seen', 'Type', 'Reason', 'Object']],
  ['', 'PersistentVolume', ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass']],
  ['', 'PersistentVolumeClaim', ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass']],
  ['', 'ResourceQuota', ['Name', 'Request', 'Limit', 'Age']],
  ['apps', 'Deployment', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']],
  ['apps', 'ReplicaSet', ['Name', 'Desired', 'Current', 'Ready', 'Age']],
  ['apps', 'DaemonSet', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age']],
  ['apps', 'StatefulSet', ['Name', 'Ready', 'Age']],
  ['apps', 'ControllerRevision', ['Name', 'Controller', 'Revision', 'Age']],
  ['batch', 'Job', ['Name', 'Status', 'Completions', 'Duration', 'Age']],
  ['batch', 'CronJob', ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age']],
  ['discovery.k8s.io', 'EndpointSlice', ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']],
  ['coordination.k8s.io', 'Lease', ['Name', 'Holder', 'Age']],
  ['networking.k8s.io', 'Ingress', ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']],
  ['networking.k8s.io', 'IngressClass', ['Name', 'Controller', 'Parameters', 'Age']],
  ['networking.k8s.io', 'NetworkPolicy', ['Name', 'Pod-Selector', 'Age']],
  ['storage.k8s.io', 'StorageClass', ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']],
  ['rbac.authorization.k8s.io', 'RoleBinding', ['Name', 'Role', 'Age']],
  ['rbac.authorization.k8s.io', 'ClusterRoleBinding', ['Name', 'Role', 'Age']],
  ['policy', 'PodDisruptionBudget', ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']],
  ['autoscaling', 'HorizontalPodAutoscaler', ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']],
  ['events.k8s.io', 'Event', ['Last Seen', 'Type', 'Reason', 'Object']],
  ['apiregistration.k8s.io', 'APIService', ['Name', 'Service', 'Available', 'Age']],
];

describe('printerFor', () => {
  it.each(KINDS)('%s %s has the upstream columns', (group, kind, first) => {
    const printer = printerFor(group, kind);
    expect(printer).not.toBe(defaultPrinter);
    const shown = printer.columns.filter((c) => c.priority === 0).map((c) => c.name);
    expect(shown.slice(0, first.length)).toEqual(first);
  });

  it.each(KINDS)('%s %s: one cell per column even for an empty object, every column described', (group, kind) => {
    const printer = printerFor(group, kind);
    const cells = printer.row({ metadata: {} }, ctx);
    expect(cells).toHaveLength(printer.columns.length);
    for (const c of printer.columns) {
      expect(c.description.length).toBeGreaterThan(0);
      expect([0, 1]).toContain(c.priority);
      expect(c.format === 'name').toBe(c.name === 'Name');
    }
    for (const cell of cells) expect(['string', 'number', 'boolean']).toContain(typeof cell);
  });

  it('kinds without printers upstream use the default table', () => {
    for (const [group, kind] of [
      ['rbac.authorization.k8s.io', 'Role'],
      ['rbac.authorization.k8s.io', 'ClusterRole'],
      ['', 'LimitRange'],
      ['apiextensions.k8s.io', 'CustomResourceDefinition'],
      ['example.com', 'Widget'],
    ]) {
      expect(printerFor(group, kind)).toBe(defaultPrinter);
    }
    expect(printerFor('events.k8s.io', 'Event')).toBe(eventsV1EventPrinter);
  });
});

describe('defaultPrinter (apiserver rest.defaultTableConvertor)', () => {
  it('prints Name and Created At as an RFC3339 date', () => {
    expect(defaultPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Created At', 'date', '', 0],
    ]);
    const role: KubeObject = { metadata: { name: 'reader', creationTimestamp: '2024-05-01T10:20:30Z' } };
    expect(defaultPrinter.row(role, ctx)).toEqual(['reader', '2024-05-01T10:20:30Z']);
    const offset: KubeObject = { metadata: { name: 'r', creationTimestamp: '2024-05-01T12:20:30.250+02:00' } };
    expect(defaultPrinter.row(offset, ctx)).toEqual(['r', '2024-05-01T10:20:30Z']);
    expect(defaultPrinter.row({ metadata: { name: 'z' } }, ctx)).toEqual(['z', '0001-01-01T00:00:00Z']);
  });
});

describe('re-exports', () => {
  it('exposes humanDuration and translateTimestampSince', () => {
    expect(humanDuration(3 * 3600_000 + 4 * 60_000)).toBe('3h4m');
    expect(translateTimestampSince(undefined, NOW)).toBe('<unknown>');
  });
});
