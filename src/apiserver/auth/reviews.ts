// The review kinds that are answered, never stored (pkg/registry/authorization/* and
// pkg/registry/authentication/*): access reviews for `kubectl auth can-i`, rules reviews for
// `kubectl auth can-i --list`, SelfSubjectReview for `kubectl auth whoami`, and TokenReview.
import type { KubeObject } from '../../api/types.js';
import { badRequest, StatusError, type StatusCause } from '../errors.js';
import type { Attributes, RbacAuthorizer } from './rbac.js';
import type { TokenAuthenticator } from './tokens.js';
import type { UserInfo } from './user.js';

const AUTHORIZATION_GROUP = 'authorization.k8s.io';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

interface FieldError {
  field: string;
  value: unknown;
  detail: string;
}

/** Answers one review object for the request's user; throws a StatusError when it is invalid. */
export function answerReview(
  kind: string,
  body: KubeObject,
  user: UserInfo,
  authorizer: RbacAuthorizer,
  namespace: string | undefined,
  authenticator?: TokenAuthenticator,
): KubeObject {
  switch (kind) {
    case 'SelfSubjectAccessReview':
      return selfSubjectAccessReview(body, user, authorizer);
    case 'SubjectAccessReview':
      return subjectAccessReview(body, authorizer);
    case 'LocalSubjectAccessReview':
      return localSubjectAccessReview(body, authorizer, namespace);
    case 'SelfSubjectRulesReview':
      return selfSubjectRulesReview(body, user, authorizer);
    case 'SelfSubjectReview':
      return selfSubjectReview(body, user);
    case 'TokenReview':
      if (!authenticator) throw badRequest('TokenReview is not supported by this server');
      return tokenReview(body, authenticator, namespace);
    default:
      throw badRequest(`${kind} is not a review kind`);
  }
}

export function selfSubjectAccessReview(body: KubeObject, user: UserInfo, authorizer: RbacAuthorizer): KubeObject {
  const spec = specOf<AccessReviewSpec>(body);
  const errors = attributeChoiceErrors(spec);
  if (errors.length) throw invalid('SelfSubjectAccessReview', AUTHORIZATION_GROUP, errors);
  return withStatus(body, accessStatus(authorizer, attributesFrom(user, spec)));
}

export function subjectAccessReview(body: KubeObject, authorizer: RbacAuthorizer): KubeObject {
  const spec = specOf<AccessReviewSpec>(body);
  const errors = subjectErrors(spec);
  if (errors.length) throw invalid('SubjectAccessReview', AUTHORIZATION_GROUP, errors);
  return withStatus(body, accessStatus(authorizer, attributesFrom(subjectOf(spec), spec)));
}

export function localSubjectAccessReview(body: KubeObject, authorizer: RbacAuthorizer, namespace: string | undefined): KubeObject {
  if (!namespace) throw badRequest(`namespace is required on this type: ${namespace ?? ''}`);
  // The create handler fills an empty metadata.namespace from the URL and rejects a different one.
  const review: KubeObject = { ...body, metadata: { ...(body.metadata ?? {}) } };
  if (!review.metadata.namespace) review.metadata.namespace = namespace;
  if (review.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const spec = specOf<AccessReviewSpec>(review);
  const errors = subjectErrors(spec);
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== namespace) {
    errors.push({ field: 'spec.resourceAttributes.namespace', value: spec.resourceAttributes.namespace ?? '', detail: 'must match metadata.namespace' });
  }
  if (spec.nonResourceAttributes) {
    errors.push({ field: 'spec.nonResourceAttributes', value: spec.nonResourceAttributes, detail: 'disallowed on this kind of request' });
  }
  if (errors.length) throw invalid('LocalSubjectAccessReview', AUTHORIZATION_GROUP, errors);
  return withStatus(review, accessStatus(authorizer, attributesFrom(subjectOf(spec), spec)));
}

export function selfSubjectRulesReview(body: KubeObject, user: UserInfo, authorizer: RbacAuthorizer): KubeObject {
  const spec = specOf<{ namespace?: string }>(body);
  if (!spec.namespace) throw badRequest('no namespace on request');
  const rules = authorizer.rulesFor(user, spec.namespace);
  const status: Record<string, unknown> = {
    resourceRules: rules.resourceRules.map((r) => omitEmpty({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames }, 'verbs')),
    nonResourceRules: rules.nonResourceRules.map((r) => omitEmpty({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }, 'verbs')),
    incomplete: rules.incomplete,
  };
  if (rules.evaluationError) status.evaluationError = rules.evaluationError;
  return withStatus(body, status);
}

/** `kubectl auth whoami`: the user as the server sees it. */
export function selfSubjectReview(body: KubeObject, user: UserInfo): KubeObject {
  return {
    apiVersion: body.apiVersion ?? `${AUTHENTICATION_GROUP}/v1`,
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    status: { userInfo: userInfoOf(user) },
  };
}

export function tokenReview(body: KubeObject, authenticator: TokenAuthenticator, namespace: string | undefined): KubeObject {
  const spec = specOf<{ token?: string; audiences?: string[] }>(body);
  if (!spec.token) throw badRequest(`token is required for TokenReview in ${namespace ?? ''}`);
  const user = authenticator.authenticate(spec.token);
  const status: Record<string, unknown> = user
    ? { authenticated: true, user: userInfoOf(user), audiences: spec.audiences?.length ? spec.audiences : [authenticator.issuer] }
    : { user: {} };
  return withStatus(body, status);
}

function specOf<T>(body: KubeObject): T {
  const spec = body.spec;
  return (spec && typeof spec === 'object' ? spec : {}) as T;
}

/** The object as sent, with its status filled in, as the review REST handlers return it. */
function withStatus(body: KubeObject, status: Record<string, unknown>): KubeObject {
  const { status: _ignored, ...rest } = body;
  return { ...rest, metadata: body.metadata ?? { creationTimestamp: null }, status };
}

function userInfoOf(user: UserInfo): Record<string, unknown> {
  const info: Record<string, unknown> = { username: user.name };
  if (user.uid) info.uid = user.uid;
  if (user.groups.length) info.groups = user.groups;
  if (user.extra && Object.keys(user.extra).length) info.extra = user.extra;
  return info;
}

/** Drops empty lists, as the authorization/v1 types' omitempty does (except `keep`). */
function omitEmpty(obj: Record<string, string[]>, keep: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(obj)) if (key === keep || value.length) out[key] = value;
  return out;
}

/** The user a SubjectAccessReview asks about: exactly what the spec says, nothing added. */
function subjectOf(spec: AccessReviewSpec): UserInfo {
  const user: UserInfo = { name: spec.user ?? '', groups: spec.groups ?? [] };
  if (spec.uid) user.uid = spec.uid;
  if (spec.extra) user.extra = spec.extra;
  return user;
}

/** authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom. */
function attributesFrom(user: UserInfo, spec: AccessReviewSpec): Attributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? '',
      resourceRequest: true,
      namespace: r.namespace ?? '',
      apiGroup: r.group ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '' };
}

function accessStatus(authorizer: RbacAuthorizer, attributes: Attributes): Record<string, unknown> {
  const decision = authorizer.authorize(attributes);
  // RBAC only allows or has no opinion, so `denied` (omitempty) never appears.
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  return status;
}

function attributeChoiceErrors(spec: AccessReviewSpec): FieldError[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [{ field: 'spec.nonResourceAttributes', value: spec.nonResourceAttributes, detail: 'cannot be specified in combination with resourceAttributes' }];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [{ field: 'spec.resourceAttributes', value: null, detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }];
  }
  return [];
}

function subjectErrors(spec: AccessReviewSpec): FieldError[] {
  const errors = attributeChoiceErrors(spec);
  if (!spec.user && !spec.groups?.length) {
    errors.push({ field: 'spec.user', value: spec.user ?? '', detail: 'at least one of user or group must be specified' });
  }
  return errors;
}

/** apierrors.NewInvalid: `Kind.group "" is invalid: field: Invalid value: …: detail`. */
function invalid(kind: string, group: string, errors: FieldError[]): StatusError {
  const texts = errors.map((e) => `${e.field}: Invalid value: ${renderValue(e.value)}: ${e.detail}`);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const causes: StatusCause[] = errors.map((e, i) => ({ reason: 'FieldValueInvalid', message: texts[i].slice(e.field.length + 2), field: e.field }));
  return new StatusError(422, 'Invalid', `${kind}.${group} "" is invalid: ${joined}`, { name: '', group, kind, causes });
}

/** field.Invalid renders strings quoted and nil as "null". */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(JSON.stringify(value));
}
