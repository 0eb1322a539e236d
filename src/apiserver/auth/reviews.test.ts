import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../errors.js';
import { bootstrapPolicy } from './bootstrap.js';
import { MemoryRbacSource } from './memory.js';
import { RbacAuthorizer } from './rbac.js';
import { answerReview } from './reviews.js';
import { generateServiceAccountKey, TokenAuthenticator } from './tokens.js';
import type { UserInfo } from './user.js';

const RBAC = 'rbac.authorization.k8s.io';
const p = bootstrapPolicy();
const source = new MemoryRbacSource([...p.clusterRoles, ...p.clusterRoleBindings, ...p.roles, ...p.roleBindings]);
source.put({
  apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: 'jane-view', namespace: 'dev' },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
});
const authz = new RbacAuthorizer(source);
const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };
const admin: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

function ssar(spec: object): KubeObject {
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { creationTimestamp: null }, spec };
}

function statusError(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('SelfSubjectAccessReview (kubectl auth can-i)', () => {
  it('answers yes with upstream reason and returns the object as sent', () => {
    const body = ssar({ resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } });
    expect(answerReview('SelfSubjectAccessReview', body, jane, authz, undefined)).toEqual({
      ...body,
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-view/dev" of ClusterRole "view" to User "jane"' },
    });
  });

  it('answers no without a reason or denied flag', () => {
    const out = answerReview('SelfSubjectAccessReview', ssar({ resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'secrets' } }), jane, authz, undefined);
    expect(out.status).toEqual({ allowed: false });
  });

  it('handles non-resource URLs and the admin', () => {
    expect(answerReview('SelfSubjectAccessReview', ssar({ nonResourceAttributes: { path: '/api', verb: 'get' } }), jane, authz, undefined).status).toMatchObject({ allowed: true });
    expect(answerReview('SelfSubjectAccessReview', ssar({ resourceAttributes: { verb: '*', group: '*', resource: '*' } }), admin, authz, undefined).status).toEqual({ allowed: true });
  });

  it('rejects a spec with neither or both attribute kinds as Invalid', () => {
    const err = statusError(() => answerReview('SelfSubjectAccessReview', ssar({}), jane, authz, undefined));
    expect(err.code).toBe(422);
    expect(err.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    expect(err.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'spec.resourceAttributes' });
    const both = statusError(() => answerReview('SelfSubjectAccessReview', ssar({ resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/' } }), jane, authz, undefined));
    expect(both.message).toContain('spec.nonResourceAttributes: Invalid value');
    expect(both.message).toContain('cannot be specified in combination with resourceAttributes');
  });
});

describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
  it('evaluates the user named in the spec, without adding groups', () => {
    const sar = (spec: object): KubeObject => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec });
    const asJane = sar({ user: 'jane', resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } });
    expect(answerReview('SubjectAccessReview', asJane, admin, authz, undefined).status).toMatchObject({ allowed: true });
    // Discovery is bound to system:authenticated, which a SAR subject only has if it says so.
    const bare = sar({ user: 'jane', nonResourceAttributes: { path: '/api', verb: 'get' } });
    expect(answerReview('SubjectAccessReview', bare, admin, authz, undefined).status).toEqual({ allowed: false });
    const grouped = sar({ user: 'jane', groups: ['system:authenticated'], nonResourceAttributes: { path: '/api', verb: 'get' } });
    expect(answerReview('SubjectAccessReview', grouped, admin, authz, undefined).status).toMatchObject({ allowed: true });
    const nobody = statusError(() => answerReview('SubjectAccessReview', sar({ resourceAttributes: { verb: 'get' } }), admin, authz, undefined));
    expect(nobody.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
  });

  it('requires the namespace of a local review to match', () => {
    const lsar = (ns: string | undefined, attrNs: string): KubeObject => ({
      apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: ns ? { namespace: ns } : {},
      spec: { user: 'jane', resourceAttributes: { namespace: attrNs, verb: 'list', resource: 'pods' } },
    });
    const ok = answerReview('LocalSubjectAccessReview', lsar(undefined, 'dev'), admin, authz, 'dev');
    expect(ok.metadata.namespace).toBe('dev');
    expect(ok.status).toMatchObject({ allowed: true });
    const wrong = statusError(() => answerReview('LocalSubjectAccessReview', lsar('dev', 'other'), admin, authz, 'dev'));
    expect(wrong.message).toBe('LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace');
    expect(statusError(() => answerReview('LocalSubjectAccessReview', lsar('x', 'x'), admin, authz, 'dev')).code).toBe(400);
    expect(statusError(() => answerReview('LocalSubjectAccessReview', lsar('dev', 'dev'), admin, authz, undefined)).code).toBe(400);
  });
});

describe('SelfSubjectRulesReview (kubectl auth can-i --list)', () => {
  it('lists resource and non-resource rules, omitting empty lists', () => {
    const body: KubeObject = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'dev' } };
    const out = answerReview('SelfSubjectRulesReview', body, jane, authz, undefined);
    const status = out.status as { resourceRules: Record<string, unknown>[]; nonResourceRules: unknown[]; incomplete: boolean };
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(status.resourceRules.some((r) => (r.resources as string[]).includes('pods'))).toBe(true);
    expect(status.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] });
    expect(status).not.toHaveProperty('evaluationError');
    expect(statusError(() => answerReview('SelfSubjectRulesReview', { ...body, spec: {} }, jane, authz, undefined)).message).toBe('no namespace on request');
  });
});

describe('SelfSubjectReview (kubectl auth whoami) and TokenReview', () => {
  it('reports the user as authenticated', () => {
    const user: UserInfo = { name: 'system:serviceaccount:default:x', uid: 'u1', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { k: ['v'] } };
    const out = answerReview('SelfSubjectReview', { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'SelfSubjectReview', metadata: {} }, user, authz, undefined);
    expect(out.apiVersion).toBe('authentication.k8s.io/v1beta1');
    expect(out.status).toEqual({ userInfo: { username: 'system:serviceaccount:default:x', uid: 'u1', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { k: ['v'] } } });
    expect(out.metadata.creationTimestamp).toMatch(/Z$/);
  });

  it('reviews tokens when given the authenticator', () => {
    const auth = new TokenAuthenticator();
    auth.setServiceAccountKey(generateServiceAccountKey('ec'));
    const { token } = auth.issueServiceAccountToken({ namespace: 'a', serviceAccountName: 'b', serviceAccountUID: 'c', audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 600 });
    const review = (t: string): KubeObject => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: t } });
    expect(answerReview('TokenReview', review(token), admin, authz, undefined, auth).status).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:a:b', uid: 'c' } });
    expect(answerReview('TokenReview', review('nope'), admin, authz, undefined, auth).status).toEqual({ user: {} });
  });
});
