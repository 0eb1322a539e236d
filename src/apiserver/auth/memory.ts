// A static RbacSource over plain object lists: for tests, and for checks made before the
// server's cache exists.
import type { KubeObject } from '../../api/types.js';
import type { RbacSource } from './rbac.js';

export class MemoryRbacSource implements RbacSource {
  readonly clusterRoles = new Map<string, KubeObject>();
  readonly roles = new Map<string, KubeObject>();
  clusterRoleBindings: KubeObject[] = [];
  roleBindings: KubeObject[] = [];

  constructor(objects: KubeObject[] = []) {
    for (const obj of objects) this.put(obj);
  }

  /** Adds or replaces an object by kind, name and namespace. */
  put(obj: KubeObject): this {
    const { name = '', namespace = '' } = obj.metadata;
    const same = (o: KubeObject) => o.metadata.name === name && (o.metadata.namespace ?? '') === namespace;
    switch (obj.kind) {
      case 'ClusterRole':
        this.clusterRoles.set(name, obj);
        break;
      case 'Role':
        this.roles.set(`${namespace}/${name}`, obj);
        break;
      case 'ClusterRoleBinding':
        this.clusterRoleBindings = [...this.clusterRoleBindings.filter((o) => !same(o)), obj];
        break;
      case 'RoleBinding':
        this.roleBindings = [...this.roleBindings.filter((o) => !same(o)), obj];
        break;
      default:
        throw new Error(`not an RBAC kind: ${obj.kind ?? '(none)'}`);
    }
    return this;
  }

  getClusterRole(name: string): KubeObject | undefined {
    return this.clusterRoles.get(name);
  }

  getRole(namespace: string, name: string): KubeObject | undefined {
    return this.roles.get(`${namespace}/${name}`);
  }

  listClusterRoleBindings(): KubeObject[] {
    return this.clusterRoleBindings;
  }

  listRoleBindings(namespace: string): KubeObject[] {
    return this.roleBindings.filter((b) => b.metadata.namespace === namespace);
  }
}
