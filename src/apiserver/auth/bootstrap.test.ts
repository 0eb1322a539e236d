import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { bootstrapPolicy } from './bootstrap.js';

describe('bootstrapPolicy', () => {
  const policy = bootstrapPolicy();
  const all: KubeObject[] = [...policy.clusterRoles, ...policy.clusterRoleBindings, ...policy.roles, ...policy.roleBindings];
  const clusterRoleNames = new Set(policy.clusterRoles.map((r) => r.metadata.name));
  const binding = (name: string) => policy.clusterRoleBindings.find((b) => b.metadata.name === name);

  it('marks every object as an upstream default, as kubectl shows them', () => {
    for (const obj of all) {
      expect(obj.apiVersion).toBe('rbac.authorization.k8s.io/v1');
      expect(obj.metadata.labels?.['kubernetes.io/bootstrapping']).toBe('rbac-defaults');
      expect(obj.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    }
    expect(policy.clusterRoles.every((r) => r.kind === 'ClusterRole')).toBe(true);
    expect(policy.clusterRoleBindings.every((r) => r.kind === 'ClusterRoleBinding')).toBe(true);
    expect(policy.roles.every((r) => r.kind === 'Role' && r.metadata.namespace)).toBe(true);
    expect(policy.roleBindings.every((r) => r.kind === 'RoleBinding' && r.metadata.namespace)).toBe(true);
  });

  it('has unique names per kind and namespace', () => {
    const keys = all.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('contains the well-known roles', () => {
    for (const name of [
      'cluster-admin', 'admin', 'edit', 'view', 'system:aggregate-to-admin', 'system:aggregate-to-edit', 'system:aggregate-to-view',
      'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:node', 'system:node-proxier', 'system:kube-scheduler',
      'system:kube-controller-manager', 'system:volume-scheduler', 'system:monitoring', 'system:auth-delegator', 'system:heapster',
      'system:kube-dns', 'system:node-bootstrapper', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      'system:controller:deployment-controller', 'system:controller:replicaset-controller', 'system:controller:namespace-controller',
      'system:controller:generic-garbage-collector', 'system:controller:clusterrole-aggregation-controller',
    ]) {
      expect(clusterRoleNames.has(name), name).toBe(true);
    }
  });

  it('binds every binding to a role that exists', () => {
    for (const b of policy.clusterRoleBindings) {
      const ref = b.roleRef as { kind: string; name: string };
      expect(ref.kind).toBe('ClusterRole');
      expect(clusterRoleNames.has(ref.name), ref.name).toBe(true);
    }
    for (const b of policy.roleBindings) {
      const ref = b.roleRef as { kind: string; name: string };
      expect(policy.roles.some((r) => r.metadata.name === ref.name && r.metadata.namespace === b.metadata.namespace), ref.name).toBe(true);
    }
  });

  it('binds cluster-admin to system:masters and the public roles to authenticated users', () => {
    expect(binding('cluster-admin')?.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
    expect(binding('system:discovery')?.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }]);
    expect(binding('system:public-info-viewer')?.subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:unauthenticated' },
    ]);
    expect(binding('system:node')?.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:nodes' }]);
  });

  it('binds each controller role to its kube-system service account', () => {
    const controllers = policy.clusterRoles.filter((r) => r.metadata.name!.startsWith('system:controller:'));
    expect(controllers.length).toBeGreaterThan(30);
    for (const role of controllers) {
      const b = binding(role.metadata.name!);
      const sa = role.metadata.name!.slice('system:controller:'.length);
      expect(b?.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'kube-system' }]);
    }
  });

  it('creates the kube-system and kube-public roles', () => {
    const names = policy.roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
    expect(names).toContain('kube-system/extension-apiserver-authentication-reader');
    expect(names).toContain('kube-public/system:controller:bootstrap-signer');
    expect(names).toContain('kube-system/system::leader-locking-kube-scheduler');
  });

  it('returns fresh objects each time, so callers may mutate them', () => {
    const a = bootstrapPolicy();
    a.clusterRoles[0].metadata.name = 'changed';
    expect(bootstrapPolicy().clusterRoles[0].metadata.name).not.toBe('changed');
  });
});
