import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { aggregateClusterRoles, selectorMatches } from './aggregation.js';
import { bootstrapPolicy } from './bootstrap.js';
import type { PolicyRule } from './rbac.js';

function role(name: string, rules: PolicyRule[], labels: Record<string, string> = {}, selectors?: object[]): KubeObject {
  const obj: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules };
  if (selectors) obj.aggregationRule = { clusterRoleSelectors: selectors };
  return obj;
}

const r = (verbs: string[], resources: string[], apiGroups = ['']): PolicyRule => ({ verbs, apiGroups, resources });

describe('aggregateClusterRoles', () => {
  it('unions the matching roles in name order and drops exact duplicates', () => {
    const roles = [
      role('agg', [], {}, [{ matchLabels: { pick: 'yes' } }]),
      role('b-part', [r(['get'], ['pods']), r(['list'], ['pods'])], { pick: 'yes' }),
      role('a-part', [r(['get'], ['pods'])], { pick: 'yes' }),
      role('ignored', [r(['delete'], ['pods'])], { pick: 'no' }),
    ];
    const changed = aggregateClusterRoles(roles);
    expect(changed.map((c) => c.metadata.name)).toEqual(['agg']);
    expect(changed[0].rules).toEqual([r(['get'], ['pods']), r(['list'], ['pods'])]);
    expect(changed[0].aggregationRule).toEqual(roles[0].aggregationRule);
    expect(roles[0].rules).toEqual([]); // inputs are not mutated
  });

  it('treats a missing list and an empty one as the same rule', () => {
    const roles = [
      role('agg', [], {}, [{ matchLabels: { pick: 'yes' } }]),
      role('a', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }], { pick: 'yes' }),
      role('b', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], { pick: 'yes' }),
    ];
    expect(aggregateClusterRoles(roles)[0].rules).toHaveLength(1);
  });

  it('follows chains of aggregated roles to a fixpoint', () => {
    const roles = [
      role('top', [], {}, [{ matchLabels: { to: 'top' } }]),
      role('middle', [], { to: 'top' }, [{ matchLabels: { to: 'middle' } }]),
      role('leaf', [r(['get'], ['secrets'])], { to: 'middle' }),
    ];
    const changed = Object.fromEntries(aggregateClusterRoles(roles).map((c) => [c.metadata.name, c.rules]));
    expect(changed.middle).toEqual([r(['get'], ['secrets'])]);
    expect(changed.top).toEqual([r(['get'], ['secrets'])]);
  });

  it('returns nothing when the rules are already current', () => {
    const roles = [role('agg', [r(['get'], ['pods'])], {}, [{ matchLabels: { pick: 'yes' } }]), role('a', [r(['get'], ['pods'])], { pick: 'yes' })];
    expect(aggregateClusterRoles(roles)).toEqual([]);
  });

  it('supports matchExpressions and several selectors', () => {
    const roles = [
      role('agg', [], {}, [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, { matchLabels: { extra: 'true' } }]),
      role('z', [r(['get'], ['a'])], { tier: 'x' }),
      role('y', [r(['get'], ['b'])], { extra: 'true' }),
    ];
    // Selector order first, then names: z (first selector) before y (second).
    expect(aggregateClusterRoles(roles)[0].rules).toEqual([r(['get'], ['a']), r(['get'], ['b'])]);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'NotIn', values: ['v'] }] }, { k: 'v' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'Exists' }] }, { k: '' })).toBe(true);
    expect(selectorMatches({}, { any: 'thing' })).toBe(true);
  });

  it('adds a custom aggregate-to-view role to view, edit and admin', () => {
    const policy = bootstrapPolicy();
    const custom = role('crd-viewer', [r(['get', 'list', 'watch'], ['widgets'], ['example.com'])], {
      'rbac.authorization.k8s.io/aggregate-to-view': 'true',
    });
    const changed = aggregateClusterRoles([...policy.clusterRoles, custom]).map((c) => c.metadata.name).sort();
    expect(changed).toEqual(['admin', 'edit', 'view']);
  });
});

describe('bootstrap aggregation', () => {
  const roles = new Map(bootstrapPolicy().clusterRoles.map((c) => [c.metadata.name, c]));
  const rulesOf = (name: string) => (roles.get(name)?.rules ?? []) as PolicyRule[];
  const grants = (name: string, verb: string, group: string, resource: string) =>
    rulesOf(name).some((x) => x.verbs.includes(verb) && x.apiGroups?.includes(group) && x.resources?.includes(resource));

  it('computes view from system:aggregate-to-view', () => {
    expect(rulesOf('view')).toEqual(rulesOf('system:aggregate-to-view'));
  });

  it('computes edit as aggregate-to-edit followed by view', () => {
    expect(rulesOf('edit')).toEqual([...rulesOf('system:aggregate-to-edit'), ...rulesOf('view')]);
  });

  it('computes admin as edit followed by aggregate-to-admin', () => {
    expect(rulesOf('admin')).toEqual([...rulesOf('edit'), ...rulesOf('system:aggregate-to-admin')]);
    expect(grants('admin', 'create', 'rbac.authorization.k8s.io', 'roles')).toBe(true);
    expect(grants('edit', 'get', 'rbac.authorization.k8s.io', 'roles')).toBe(false);
    expect(grants('view', 'get', '', 'secrets')).toBe(false);
    expect(grants('edit', 'get', '', 'secrets')).toBe(true);
  });

  it('keeps the aggregation rules so the controller can keep them current', () => {
    expect(roles.get('admin')?.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }],
    });
  });
});
