// The set of resources the server serves: the built-in ones and those CustomResourceDefinitions add.
import { builtinResources, storageGroupResource } from '../api/resources/index.js';
import { resourceDefsForCrd } from '../api/crd.js';
import type { ResourceDef } from '../api/resource.js';
import type { KubeObject } from '../api/types.js';

export interface GroupVersionResources {
  group: string;
  version: string;
  resources: ResourceDef[];
}

function gvKey(group: string, version: string): string {
  return `${group}/${version}`;
}

export class ResourceRegistry {
  private readonly builtin: ResourceDef[];
  private custom = new Map<string, ResourceDef[]>(); // CRD name → its defs
  private byGvr = new Map<string, ResourceDef>();
  private listeners: (() => void)[] = [];

  constructor(builtin: ResourceDef[] = builtinResources) {
    this.builtin = builtin;
    this.rebuild();
  }

  private rebuild(): void {
    this.byGvr.clear();
    for (const def of this.all()) this.byGvr.set(`${gvKey(def.group, def.version)}/${def.plural}`, def);
    for (const listener of this.listeners) listener();
  }

  /** Called whenever the served set changes (a CRD established or removed). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  all(): ResourceDef[] {
    return [...this.builtin, ...[...this.custom.values()].flat()];
  }

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.byGvr.get(`${gvKey(group, version)}/${plural}`);
  }

  /** The served definition for a kind at a version (for checks on the kind in a request body). */
  findByKind(group: string, version: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.version === version && d.kind === kind);
  }

  /** Every group/version in discovery order: core first, then groups in the order they were defined. */
  groupVersions(): GroupVersionResources[] {
    const out = new Map<string, GroupVersionResources>();
    for (const def of this.all()) {
      const key = gvKey(def.group, def.version);
      let gv = out.get(key);
      if (!gv) {
        gv = { group: def.group, version: def.version, resources: [] };
        out.set(key, gv);
      }
      gv.resources.push(def);
    }
    return [...out.values()];
  }

  isCustom(def: ResourceDef): boolean {
    return !this.builtin.includes(def);
  }

  /** Serves (or updates) the resources of an established CRD. */
  setCrd(crd: KubeObject): void {
    this.custom.set(crd.metadata.name!, resourceDefsForCrd(crd));
    this.rebuild();
  }

  removeCrd(name: string): void {
    if (this.custom.delete(name)) this.rebuild();
  }

  /** The storage location shared by every version of a resource. */
  storageOf(def: ResourceDef): { group: string; resource: string } {
    return this.isCustom(def) ? { group: def.group, resource: def.plural } : storageGroupResource(def);
  }
}
