// ClusterRole aggregation: what kube-controller-manager's clusterrole-aggregation controller does
// (pkg/controller/clusterroleaggregation). A ClusterRole with an aggregationRule gets the union of
// the rules of every ClusterRole its selectors match, in selector order, then by role name, with
// exact duplicates dropped.
import { deepCopy, type KubeObject } from '../../api/types.js';
import { rulesOf, type PolicyRule } from './rbac.js';

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * Computes aggregated rules for every ClusterRole with an aggregationRule and returns copies of
 * those whose rules change. Aggregated roles can select other aggregated roles (admin selects
 * edit, edit selects view), so this repeats until nothing moves, as the controller's requeues do.
 */
export function aggregateClusterRoles(roles: KubeObject[]): KubeObject[] {
  const current = new Map<string, KubeObject>();
  for (const role of roles) current.set(role.metadata.name ?? '', role);
  const changed = new Map<string, KubeObject>();
  // Each pass can only lengthen a chain by one step, so roles.length + 1 passes always suffice.
  for (let pass = 0; pass <= roles.length; pass++) {
    let moved = false;
    for (const role of [...current.values()]) {
      const selectors = aggregationSelectors(role);
      if (!selectors) continue;
      const rules = aggregatedRules(role, selectors, [...current.values()]);
      if (rulesEqual(rules, rulesOf(role))) continue;
      const updated = { ...deepCopy(role), rules };
      current.set(updated.metadata.name ?? '', updated);
      changed.set(updated.metadata.name ?? '', updated);
      moved = true;
    }
    if (!moved) break;
  }
  return [...changed.values()].filter((role) => {
    const original = roles.find((r) => r.metadata.name === role.metadata.name);
    return !original || !rulesEqual(rulesOf(original), rulesOf(role));
  });
}

/** The role's clusterRoleSelectors, or undefined when it does not aggregate. */
function aggregationSelectors(role: KubeObject): LabelSelector[] | undefined {
  const rule = role.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | null | undefined;
  if (!rule) return undefined;
  return rule.clusterRoleSelectors ?? [];
}

function aggregatedRules(role: KubeObject, selectors: LabelSelector[], all: KubeObject[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const byName = [...all].sort((a, b) => compareNames(a.metadata.name ?? '', b.metadata.name ?? ''));
  for (const selector of selectors) {
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!selectorMatches(selector, other.metadata.labels ?? {})) continue;
      for (const rule of rulesOf(other)) {
        if (!rules.some((r) => ruleEqual(r, rule))) rules.push(deepCopy(rule));
      }
    }
  }
  return rules;
}

/** Go's sort by string: byte order, not locale order. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** metav1.LabelSelectorAsSelector semantics: an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    if (!requirementMatches(req, labels)) return false;
  }
  return true;
}

function requirementMatches(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(labels[req.key]);
    case 'NotIn':
      return !has || !values.includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // An invalid selector makes the controller fail the sync; matching nothing is the safe reading.
      return false;
  }
}

const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** equality.Semantic.DeepEqual on PolicyRules: a missing list equals an empty one. */
function ruleEqual(a: PolicyRule, b: PolicyRule): boolean {
  return RULE_FIELDS.every((field) => listEqual(a[field], b[field]));
}

function listEqual(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function rulesEqual(a: PolicyRule[], b: PolicyRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => ruleEqual(rule, b[i]));
}
