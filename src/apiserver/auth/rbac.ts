// The RBAC authorizer: the same rule walk as upstream's plugin/pkg/auth/authorizer/rbac/rbac.go
// and pkg/registry/rbac/validation/rule.go, over ClusterRoles, Roles and their bindings read
// synchronously from the server's cache.
import { groupResource, type KubeObject } from '../../api/types.js';
import { SYSTEM_PRIVILEGED_GROUP, serviceAccountUsername, type UserInfo } from './user.js';

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  namespace?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** The URL path of a non-resource request. */
  path?: string;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** Kept current by the server from its store (a cache); reads are synchronous. */
export interface RbacSource {
  getClusterRole(name: string): KubeObject | undefined;
  getRole(namespace: string, name: string): KubeObject | undefined;
  listClusterRoleBindings(): KubeObject[];
  listRoleBindings(namespace: string): KubeObject[];
}

export interface Decision {
  allowed: boolean;
  /** Upstream's reason: "RBAC: allowed by …" when allowed; "" or "RBAC: <errors>" when not. */
  reason: string;
}

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}

export interface RulesForResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  /** Why some bindings could not be resolved (a missing role), as upstream's evaluationError. */
  evaluationError?: string;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Visits a rule with the binding it came from; returns false to stop the walk. */
type Visitor = (source: string | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

/** Users × namespaces whose rule walks are remembered; past this many the memo starts afresh. */
const MAX_MEMO = 10_000;

interface VisitedRule {
  source: string | undefined;
  rule: PolicyRule | undefined;
  error: string | undefined;
}

export class RbacAuthorizer {
  /**
   * Components send thousands of requests as the same few users; walking every binding for each
   * costs more than the request. The walk's result depends only on the user, the namespace and
   * the policy, so it is remembered until the policy changes (the server calls invalidate()).
   */
  private readonly memo = new Map<string, VisitedRule[]>();

  constructor(private readonly source: RbacSource) {}

  /** Forget remembered rule walks: a role or binding changed. */
  invalidate(): void {
    this.memo.clear();
  }

  authorize(a: Attributes): Decision {
    // system:masters skips RBAC entirely, like kube-apiserver's privileged-group authorizer that
    // runs first in the chain (it gives no reason).
    if (a.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
    const errors: string[] = [];
    let reason = '';
    this.visitRulesFor(a.user, a.namespace ?? '', (source, rule, error) => {
      if (rule && source !== undefined && ruleAllows(a, rule)) {
        reason = `RBAC: allowed by ${source}`;
        return false;
      }
      if (error) errors.push(error);
      return true;
    });
    if (reason) return { allowed: true, reason };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregateErrors(errors)}` : '' };
  }

  /** Every rule that applies to the user in the namespace (what SelfSubjectRulesReview lists). */
  rulesFor(user: UserInfo, namespace: string): RulesForResult {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_source, rule, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    });
    const result: RulesForResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
    for (const rule of rules) {
      if (rule.resources?.length) {
        result.resourceRules.push({
          verbs: rule.verbs ?? [],
          apiGroups: rule.apiGroups ?? [],
          resources: rule.resources,
          resourceNames: rule.resourceNames ?? [],
        });
      }
      if (rule.nonResourceURLs?.length) {
        result.nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
      }
    }
    // Upstream's RBAC resolver reports a missing role as an evaluation error, not as incomplete.
    if (errors.length) result.evaluationError = aggregateErrors(errors);
    return result;
  }

  /** The remembered walk, replayed to `visit` (which may stop it early). */
  private visitRulesFor(user: UserInfo, namespace: string, visit: Visitor): void {
    const key = JSON.stringify([user.name, user.groups, namespace]);
    let walked = this.memo.get(key);
    if (!walked) {
      const out: VisitedRule[] = [];
      this.walkRulesFor(user, namespace, (source, rule, error) => {
        out.push({ source, rule, error });
        return true;
      });
      if (this.memo.size >= MAX_MEMO) this.memo.clear();
      this.memo.set(key, out);
      walked = out;
    }
    for (const v of walked) if (!visit(v.source, v.rule, v.error)) return;
  }

  /** ClusterRoleBindings first, then the namespace's RoleBindings (rule.go VisitRulesFor). */
  private walkRulesFor(user: UserInfo, namespace: string, visit: Visitor): void {
    for (const binding of this.source.listClusterRoleBindings()) {
      const subject = firstApplyingSubject(user, subjectsOf(binding), '');
      if (!subject) continue;
      const ref = roleRefOf(binding);
      const resolved = this.roleRules(ref, '');
      if ('error' in resolved) {
        if (!visit(undefined, undefined, resolved.error)) return;
        continue;
      }
      const source = `ClusterRoleBinding "${binding.metadata.name ?? ''}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, '')}`;
      for (const rule of resolved.rules) if (!visit(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const binding of this.source.listRoleBindings(namespace)) {
      const subject = firstApplyingSubject(user, subjectsOf(binding), namespace);
      if (!subject) continue;
      const ref = roleRefOf(binding);
      const resolved = this.roleRules(ref, namespace);
      if ('error' in resolved) {
        if (!visit(undefined, undefined, resolved.error)) return;
        continue;
      }
      const bindingNamespace = binding.metadata.namespace ?? namespace;
      const source = `RoleBinding "${binding.metadata.name ?? ''}/${bindingNamespace}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, bindingNamespace)}`;
      for (const rule of resolved.rules) if (!visit(source, rule, undefined)) return;
    }
  }

  /** The rules a roleRef points at, or the lister's NotFound message (GetRoleReferenceRules). */
  private roleRules(ref: RoleRef, bindingNamespace: string): { rules: PolicyRule[] } | { error: string } {
    if (ref.kind === 'ClusterRole') {
      const role = this.source.getClusterRole(ref.name);
      return role ? { rules: rulesOf(role) } : { error: `clusterrole.${RBAC_GROUP} "${ref.name}" not found` };
    }
    if (ref.kind === 'Role') {
      const role = bindingNamespace ? this.source.getRole(bindingNamespace, ref.name) : undefined;
      return role ? { rules: rulesOf(role) } : { error: `role.${RBAC_GROUP} "${ref.name}" not found` };
    }
    return { error: `unsupported role reference kind: "${ref.kind}"` };
  }
}

export function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}

function subjectsOf(binding: KubeObject): Subject[] {
  return Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
}

function roleRefOf(binding: KubeObject): RoleRef {
  const ref = (binding.roleRef ?? {}) as Partial<RoleRef>;
  return { apiGroup: ref.apiGroup ?? RBAC_GROUP, kind: ref.kind ?? '', name: ref.name ?? '' };
}

function firstApplyingSubject(user: UserInfo, subjects: Subject[], namespace: string): Subject | undefined {
  return subjects.find((subject) => appliesToUser(user, subject, namespace));
}

/** Whether a binding subject names this user (rule.go appliesToUser). */
export function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A RoleBinding may leave the namespace out to mean its own namespace.
      const saNamespace = subject.namespace || namespace;
      if (!saNamespace) return false;
      return user.name === serviceAccountUsername(saNamespace, subject.name);
    }
    default:
      return false;
  }
}

/** Upstream's describeSubject: service accounts are shown as "name/namespace". */
function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  }
  return `${subject.kind} "${subject.name}"`;
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several deduplicated inside brackets. */
function aggregateErrors(errors: string[]): string {
  if (errors.length === 1) return errors[0];
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** Whether one rule allows the request (rbac.go RuleAllows). */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceURLMatches(rule, a.path ?? '');
  const resource = a.resource ?? '';
  const combined = a.subresource ? `${resource}/${a.subresource}` : resource;
  return (
    apiGroupMatches(rule, a.apiGroup ?? '') &&
    resourceMatches(rule, combined, a.subresource ?? '') &&
    resourceNameMatches(rule, a.name ?? '')
  );
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === '*' || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    // "*/scale" matches the scale subresource of any resource.
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === '*' || url === path) return true;
    // A trailing "*" is a prefix match: "/api/*" matches "/api/v1" (and "/api/").
    if (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/**
 * The Status message of a 403, exactly as apiserver's responsewriters.Forbidden builds it:
 * `pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"`.
 * A non-empty authorizer reason is appended after ": ".
 */
export function forbiddenMessage(a: Attributes, reason = ''): string {
  const detail = forbiddenDetail(a) + (reason ? `: ${reason}` : '');
  if (!a.resourceRequest) return `forbidden: ${detail}`;
  // The qualified resource leaves the subresource out; the detail names it.
  const qualified = groupResource(a.apiGroup ?? '', a.resource ?? '');
  if (!qualified) return `forbidden: ${detail}`;
  return a.name ? `${qualified} "${a.name}" is forbidden: ${detail}` : `${qualified} is forbidden: ${detail}`;
}

function forbiddenDetail(a: Attributes): string {
  const user = JSON.stringify(a.user.name);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${JSON.stringify(a.path ?? '')}`;
  const resource = a.subresource ? `${a.resource ?? ''}/${a.subresource}` : (a.resource ?? '');
  const what = `User ${user} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup ?? '')}`;
  return a.namespace ? `${what} in the namespace ${JSON.stringify(a.namespace)}` : `${what} at the cluster scope`;
}
