// CustomResourceDefinitions: established on create (status conditions and accepted names), their
// resources served as soon as they are stored, and their objects removed when they go.
import { crdEstablishedStatus } from '../api/crd.js';
import type { ResourceDef } from '../api/resource.js';
import type { KubeObject } from '../api/types.js';
import type { Store, StoreEvent, Watch } from '../storage/store.js';
import type { Admission } from './rest.js';
import type { ResourceRegistry } from './registry.js';

const CRD_PREFIX = '/registry/apiextensions.k8s.io/customresourcedefinitions/';

function isCrd(def: ResourceDef): boolean {
  return def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition';
}

/** Sets a new or changed CRD's status the way the apiextensions controllers do, at once. */
export class CrdAdmission implements Admission {
  create(def: ResourceDef, obj: KubeObject): void {
    if (isCrd(def)) obj.status = crdEstablishedStatus(obj);
  }

  update(def: ResourceDef, obj: KubeObject): void {
    if (isCrd(def)) obj.status = crdEstablishedStatus(obj);
  }
}

/** Follows stored CRDs: registers their resources, and deletes their objects when a CRD is deleted. */
export class CustomResourceSync {
  private readonly crds = new Map<string, KubeObject>();
  private watch?: Watch;

  constructor(
    private readonly store: Store,
    private readonly registry: ResourceRegistry,
  ) {}

  async start(): Promise<void> {
    const listed = await this.store.list(CRD_PREFIX);
    for (const entry of listed.entries) this.upsert(JSON.parse(entry.value) as KubeObject);
    this.watch = this.store.watch(CRD_PREFIX, listed.revision, (event) => this.onEvent(event));
  }

  private onEvent(event: StoreEvent): void {
    const crd = JSON.parse(event.value) as KubeObject;
    if (event.type === 'put') {
      this.upsert(crd);
      return;
    }
    this.crds.delete(crd.metadata.name!);
    this.registry.removeCrd(crd.metadata.name!);
    void this.removeObjects(crd);
  }

  private upsert(crd: KubeObject): void {
    this.crds.set(crd.metadata.name!, crd);
    this.registry.setCrd(crd);
  }

  /** Deletes every stored object of a removed CRD (upstream's customresourcecleanup finalizer). */
  private async removeObjects(crd: KubeObject): Promise<void> {
    const spec = crd.spec as { group: string; names: { plural: string } };
    // The same key layout ObjectStore uses for custom resources.
    const { entries } = await this.store.list(`/registry/${spec.group}/${spec.names.plural}/`);
    for (const entry of entries) {
      try {
        await this.store.delete(entry.key);
      } catch {
        // Already gone.
      }
    }
  }

  /** The CRD that defines a custom resource (for its printer columns). */
  crdFor(def: ResourceDef): KubeObject | undefined {
    if (!this.registry.isCustom(def)) return undefined;
    for (const crd of this.crds.values()) {
      const spec = crd.spec as { group: string; names: { plural: string } };
      if (spec.group === def.group && spec.names.plural === def.plural) return crd;
    }
    return undefined;
  }

  stop(): void {
    this.watch?.stop();
  }
}
