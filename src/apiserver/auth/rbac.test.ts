import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { bootstrapPolicy } from './bootstrap.js';
import { MemoryRbacSource } from './memory.js';
import { forbiddenMessage, RbacAuthorizer, type Attributes } from './rbac.js';
import type { UserInfo } from './user.js';

const RBAC = 'rbac.authorization.k8s.io';

function bootstrapSource(): MemoryRbacSource {
  const p = bootstrapPolicy();
  return new MemoryRbacSource([...p.clusterRoles, ...p.clusterRoleBindings, ...p.roles, ...p.roleBindings]);
}

function roleBinding(namespace: string, name: string, kind: 'ClusterRole' | 'Role', role: string, subjects: object[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: RBAC, kind, name: role }, subjects };
}

function clusterRoleBinding(name: string, role: string, subjects: object[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects };
}

const authenticated = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const admin: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const defaultSA: UserInfo = {
  name: 'system:serviceaccount:default:default',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
};

function res(user: UserInfo, verb: string, resource: string, more: Partial<Attributes> = {}): Attributes {
  return { user, verb, resourceRequest: true, apiGroup: '', resource, ...more };
}

function path(user: UserInfo, verb: string, p: string): Attributes {
  return { user, verb, resourceRequest: false, path: p };
}

describe('RbacAuthorizer over the bootstrap policy', () => {
  const source = bootstrapSource();
  source.put(roleBinding('dev', 'jane-view', 'ClusterRole', 'view', [{ kind: 'User', apiGroup: RBAC, name: 'jane' }]));
  source.put(roleBinding('dev', 'ed-edit', 'ClusterRole', 'edit', [{ kind: 'User', apiGroup: RBAC, name: 'ed' }]));
  source.put(roleBinding('dev', 'ann-admin', 'ClusterRole', 'admin', [{ kind: 'Group', apiGroup: RBAC, name: 'admins' }]));
  const authz = new RbacAuthorizer(source);
  const allowed = (a: Attributes) => authz.authorize(a).allowed;

  it('allows system:masters everything, with no reason, like the privileged-group authorizer', () => {
    expect(authz.authorize(res(admin, 'delete', 'nodes', { name: 'n1' }))).toEqual({ allowed: true, reason: '' });
    expect(allowed(res(admin, 'escalate', 'clusterroles', { apiGroup: RBAC }))).toBe(true);
    expect(allowed(path(admin, 'get', '/metrics'))).toBe(true);
  });

  it('gives a plain service account only discovery and the basic self reviews', () => {
    expect(allowed(path(defaultSA, 'get', '/api'))).toBe(true);
    expect(allowed(path(defaultSA, 'get', '/apis/apps/v1'))).toBe(true);
    expect(allowed(path(defaultSA, 'get', '/version'))).toBe(true);
    expect(allowed(path(defaultSA, 'get', '/openapi/v3'))).toBe(true);
    expect(allowed(path(defaultSA, 'get', '/.well-known/openid-configuration'))).toBe(true);
    expect(allowed(res(defaultSA, 'create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' }))).toBe(true);
    expect(allowed(res(defaultSA, 'create', 'selfsubjectreviews', { apiGroup: 'authentication.k8s.io' }))).toBe(true);
    expect(allowed(res(defaultSA, 'list', 'pods', { namespace: 'default' }))).toBe(false);
    expect(allowed(res(defaultSA, 'get', 'configmaps', { namespace: 'default', name: 'x' }))).toBe(false);
    expect(allowed(res(defaultSA, 'list', 'namespaces'))).toBe(false);
    expect(allowed(path(defaultSA, 'get', '/metrics'))).toBe(false);
    expect(allowed(path(defaultSA, 'get', '/healthz/etcd'))).toBe(false);
    expect(allowed(path(defaultSA, 'post', '/api'))).toBe(false);
  });

  it('explains an allow with the binding, role and subject, as upstream', () => {
    expect(authz.authorize(path(defaultSA, 'get', '/api')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    );
    expect(authz.authorize(res(authenticated('jane'), 'list', 'pods', { namespace: 'dev' })).reason).toBe(
      'RBAC: allowed by RoleBinding "jane-view/dev" of ClusterRole "view" to User "jane"',
    );
    expect(authz.authorize(res(defaultSA, 'create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' })).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    );
  });

  it('view reads workloads in its namespace only, and never secrets', () => {
    const jane = authenticated('jane');
    expect(allowed(res(jane, 'list', 'pods', { namespace: 'dev' }))).toBe(true);
    expect(allowed(res(jane, 'watch', 'deployments', { namespace: 'dev', apiGroup: 'apps' }))).toBe(true);
    expect(allowed(res(jane, 'get', 'pods', { namespace: 'dev', name: 'p', subresource: 'log' }))).toBe(true);
    expect(allowed(res(jane, 'get', 'deployments', { namespace: 'dev', apiGroup: 'apps', name: 'd', subresource: 'scale' }))).toBe(true);
    expect(allowed(res(jane, 'list', 'endpointslices', { namespace: 'dev', apiGroup: 'discovery.k8s.io' }))).toBe(true);
    expect(allowed(res(jane, 'list', 'pods', { namespace: 'default' }))).toBe(false);
    expect(allowed(res(jane, 'list', 'pods'))).toBe(false);
    expect(allowed(res(jane, 'get', 'secrets', { namespace: 'dev', name: 's' }))).toBe(false);
    expect(allowed(res(jane, 'create', 'pods', { namespace: 'dev' }))).toBe(false);
    expect(allowed(res(jane, 'create', 'pods', { namespace: 'dev', name: 'p', subresource: 'exec' }))).toBe(false);
    expect(allowed(res(jane, 'list', 'roles', { namespace: 'dev', apiGroup: RBAC }))).toBe(false);
  });

  it('edit writes workloads and reads secrets but cannot touch RBAC', () => {
    const ed = authenticated('ed');
    expect(allowed(res(ed, 'create', 'pods', { namespace: 'dev' }))).toBe(true);
    expect(allowed(res(ed, 'create', 'pods', { namespace: 'dev', name: 'p', subresource: 'exec' }))).toBe(true);
    expect(allowed(res(ed, 'get', 'secrets', { namespace: 'dev', name: 's' }))).toBe(true);
    expect(allowed(res(ed, 'patch', 'deployments', { namespace: 'dev', apiGroup: 'apps', name: 'd', subresource: 'scale' }))).toBe(true);
    expect(allowed(res(ed, 'impersonate', 'serviceaccounts', { namespace: 'dev', name: 'default' }))).toBe(true);
    expect(allowed(res(ed, 'create', 'serviceaccounts', { namespace: 'dev', name: 'default', subresource: 'token' }))).toBe(true);
    expect(allowed(res(ed, 'list', 'pods', { namespace: 'dev' }))).toBe(true);
    expect(allowed(res(ed, 'list', 'roles', { namespace: 'dev', apiGroup: RBAC }))).toBe(false);
    expect(allowed(res(ed, 'create', 'rolebindings', { namespace: 'dev', apiGroup: RBAC }))).toBe(false);
    expect(allowed(res(ed, 'create', 'resourcequotas', { namespace: 'dev' }))).toBe(false);
  });

  it('admin manages roles and bindings in its namespace but not quotas or the namespace itself', () => {
    const ann = authenticated('ann', 'admins');
    expect(allowed(res(ann, 'create', 'rolebindings', { namespace: 'dev', apiGroup: RBAC }))).toBe(true);
    expect(allowed(res(ann, 'list', 'roles', { namespace: 'dev', apiGroup: RBAC }))).toBe(true);
    expect(allowed(res(ann, 'create', 'localsubjectaccessreviews', { namespace: 'dev', apiGroup: 'authorization.k8s.io' }))).toBe(true);
    expect(allowed(res(ann, 'delete', 'secrets', { namespace: 'dev', name: 's' }))).toBe(true);
    expect(allowed(res(ann, 'update', 'resourcequotas', { namespace: 'dev', name: 'q' }))).toBe(false);
    expect(allowed(res(ann, 'delete', 'namespaces', { name: 'dev' }))).toBe(false);
    expect(allowed(res(ann, 'list', 'roles', { namespace: 'other', apiGroup: RBAC }))).toBe(false);
  });

  it('honours resourceNames: a named get matches, a list (no name) does not', () => {
    const scheduler = authenticated('system:kube-scheduler');
    const cm = (name?: string, verb = 'get') => res(scheduler, verb, 'configmaps', { namespace: 'kube-system', name });
    expect(allowed(cm('extension-apiserver-authentication'))).toBe(true);
    expect(allowed(cm('other'))).toBe(false);
    expect(allowed(cm(undefined, 'list'))).toBe(false);
    const lease = (name: string) => res(scheduler, 'update', 'leases', { namespace: 'kube-system', apiGroup: 'coordination.k8s.io', name });
    expect(allowed(lease('kube-scheduler'))).toBe(true);
    expect(allowed(res(scheduler, 'create', 'pods', { namespace: 'x', name: 'p', subresource: 'binding' }))).toBe(true);
  });

  it('matches */subresource rules across groups, and nothing but that subresource', () => {
    const hpa = { name: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
    expect(allowed(res(hpa, 'update', 'statefulsets', { apiGroup: 'apps', namespace: 'a', name: 's', subresource: 'scale' }))).toBe(true);
    expect(allowed(res(hpa, 'get', 'widgets', { apiGroup: 'example.com', namespace: 'a', name: 'w', subresource: 'scale' }))).toBe(true);
    expect(allowed(res(hpa, 'update', 'statefulsets', { apiGroup: 'apps', namespace: 'a', name: 's' }))).toBe(false);
    expect(allowed(res(hpa, 'update', 'statefulsets', { apiGroup: 'apps', namespace: 'a', name: 's', subresource: 'status' }))).toBe(false);
  });

  it('binds nodes through the system:nodes group, and lets their kube-proxy read endpoints', () => {
    const node = authenticated('system:node:n1', 'system:nodes');
    expect(allowed(res(node, 'create', 'nodes'))).toBe(true);
    expect(allowed(res(node, 'patch', 'nodes', { name: 'n1', subresource: 'status' }))).toBe(true);
    expect(allowed(res(node, 'update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }))).toBe(true);
    expect(allowed(res(node, 'watch', 'endpointslices', { apiGroup: 'discovery.k8s.io' }))).toBe(true);
    expect(allowed(res(node, 'delete', 'nodes', { name: 'n2' }))).toBe(false);
    expect(allowed(res(node, 'list', 'secrets'))).toBe(true);
    expect(allowed(res(node, 'create', 'secrets', { namespace: 'default' }))).toBe(false);
  });

  it('matches trailing-* non-resource URLs by prefix', () => {
    const monitor = authenticated('prom', 'system:monitoring');
    expect(allowed(path(monitor, 'get', '/healthz/etcd'))).toBe(true);
    expect(allowed(path(monitor, 'get', '/metrics'))).toBe(true);
    expect(allowed(path(monitor, 'get', '/metrics/extra'))).toBe(false);
    expect(allowed(path(authenticated('x'), 'get', '/apisx'))).toBe(false);
  });
});

describe('RbacAuthorizer subjects and errors', () => {
  it('defaults a ServiceAccount subject without namespace to the binding namespace', () => {
    const source = bootstrapSource();
    source.put(roleBinding('team', 'sa-view', 'ClusterRole', 'view', [{ kind: 'ServiceAccount', name: 'bot' }]));
    const authz = new RbacAuthorizer(source);
    const bot = { name: 'system:serviceaccount:team:bot', groups: [] };
    const other = { name: 'system:serviceaccount:other:bot', groups: [] };
    expect(authz.authorize(res(bot, 'list', 'pods', { namespace: 'team' }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "sa-view/team" of ClusterRole "view" to ServiceAccount "bot/team"',
    });
    expect(authz.authorize(res(other, 'list', 'pods', { namespace: 'team' })).allowed).toBe(false);
  });

  it('matches groups of service accounts and namespaced Roles', () => {
    const source = new MemoryRbacSource([
      { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'cm-reader', namespace: 'team' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }] },
      roleBinding('team', 'all-sas', 'Role', 'cm-reader', [{ kind: 'Group', apiGroup: RBAC, name: 'system:serviceaccounts:team' }]),
    ]);
    const authz = new RbacAuthorizer(source);
    const sa = { name: 'system:serviceaccount:team:x', groups: ['system:serviceaccounts', 'system:serviceaccounts:team'] };
    expect(authz.authorize(res(sa, 'get', 'configmaps', { namespace: 'team', name: 'c' })).allowed).toBe(true);
    expect(authz.authorize(res(sa, 'get', 'configmaps', { namespace: 'other', name: 'c' })).allowed).toBe(false);
  });

  it('reports bindings to missing roles in the reason and still evaluates the rest', () => {
    const source = new MemoryRbacSource([
      clusterRoleBinding('broken', 'nope', [{ kind: 'User', apiGroup: RBAC, name: 'jane' }]),
      roleBinding('dev', 'broken-role', 'Role', 'gone', [{ kind: 'User', apiGroup: RBAC, name: 'jane' }]),
    ]);
    const authz = new RbacAuthorizer(source);
    const jane = authenticated('jane');
    expect(authz.authorize(res(jane, 'list', 'pods'))).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "nope" not found',
    });
    expect(authz.authorize(res(jane, 'list', 'pods', { namespace: 'dev' })).reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "nope" not found, role.rbac.authorization.k8s.io "gone" not found]',
    );
    expect(authz.authorize(res(authenticated('bob'), 'list', 'pods')).reason).toBe('');
  });

  it('lists the rules that apply (for SelfSubjectRulesReview)', () => {
    const source = bootstrapSource();
    source.put(roleBinding('dev', 'jane-view', 'ClusterRole', 'view', [{ kind: 'User', apiGroup: RBAC, name: 'jane' }]));
    source.put(clusterRoleBinding('broken', 'nope', [{ kind: 'User', apiGroup: RBAC, name: 'jane' }]));
    const authz = new RbacAuthorizer(source);
    const rules = authz.rulesFor(authenticated('jane'), 'dev');
    expect(rules.incomplete).toBe(false);
    expect(rules.evaluationError).toBe('clusterrole.rbac.authorization.k8s.io "nope" not found');
    expect(rules.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], resourceNames: [] });
    expect(rules.resourceRules.some((r) => r.resources.includes('pods') && r.verbs.includes('list'))).toBe(true);
    expect(rules.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] });
    const elsewhere = authz.rulesFor(authenticated('jane'), 'default');
    expect(elsewhere.resourceRules.some((r) => r.resources.includes('pods'))).toBe(false);
  });
});

describe('forbiddenMessage', () => {
  const jane = authenticated('jane');
  it('names the namespace', () => {
    expect(forbiddenMessage(res(jane, 'list', 'pods', { namespace: 'default' }))).toBe(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
    );
  });
  it('says cluster scope when there is no namespace', () => {
    expect(forbiddenMessage(res(jane, 'list', 'nodes'))).toBe(
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });
  it('qualifies the resource with its group and quotes the name', () => {
    expect(forbiddenMessage(res(jane, 'get', 'deployments', { apiGroup: 'apps', namespace: 'default', name: 'web' }))).toBe(
      'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "default"',
    );
  });
  it('puts the subresource in the detail, not the qualified resource', () => {
    expect(forbiddenMessage(res(jane, 'create', 'pods', { namespace: 'default', name: 'x', subresource: 'exec' }))).toBe(
      'pods "x" is forbidden: User "jane" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    );
  });
  it('covers non-resource paths', () => {
    expect(forbiddenMessage(path({ name: 'x', groups: [] }, 'get', '/foo'))).toBe('forbidden: User "x" cannot get path "/foo"');
  });
  it('appends a non-empty authorizer reason', () => {
    expect(forbiddenMessage(res(jane, 'list', 'pods'), 'RBAC: clusterrole.rbac.authorization.k8s.io "nope" not found')).toBe(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "nope" not found',
    );
  });
  it('names a service account user in full', () => {
    expect(forbiddenMessage(res(defaultSA, 'list', 'secrets', { namespace: 'kube-system' }))).toBe(
      'secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" in the namespace "kube-system"',
    );
  });
});

describe('RbacAuthorizer memo', () => {
  it('remembers rule walks until invalidate(), then sees a new binding', () => {
    const source = bootstrapSource();
    const authz = new RbacAuthorizer(source);
    const bob = authenticated('bob');
    expect(authz.authorize(res(bob, 'list', 'pods', { namespace: 'team' })).allowed).toBe(false);
    source.put(roleBinding('team', 'bob-view', 'ClusterRole', 'view', [{ kind: 'User', apiGroup: RBAC, name: 'bob' }]));
    // Stale until the server reports the policy change, as its cache watch does.
    expect(authz.authorize(res(bob, 'list', 'pods', { namespace: 'team' })).allowed).toBe(false);
    authz.invalidate();
    expect(authz.authorize(res(bob, 'list', 'pods', { namespace: 'team' }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "bob-view/team" of ClusterRole "view" to User "bob"',
    });
    expect(authz.authorize(res(bob, 'list', 'pods', { namespace: 'other' })).allowed).toBe(false);
  });
});
