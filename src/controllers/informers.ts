// One SharedInformer per resource, shared by every controller of a process (client-go's
// SharedInformerFactory), so N controllers watching pods cost one list and one watch.
import type { KubeObject } from '../api/types.js';
import { SharedInformer, type InformerOptions } from '../client/informer.js';
import type { Client, Informer, ResourceRef } from '../client/types.js';
import type { SharedInformers } from './context.js';

export function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.version}/${ref.resource}`;
}

export class SharedInformerFactory implements SharedInformers {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;

  /** `options` apply to every informer made (e.g. one namespace); selectors rarely belong here. */
  constructor(private readonly client: Client, private readonly options: InformerOptions = {}) {}

  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T> {
    const key = refKey(ref);
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new SharedInformer<KubeObject>(this.client, ref, this.options);
      this.informers.set(key, informer);
      // Made after start(): start at once, so the controller that asked gets a live cache.
      if (this.started) void informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  async start(): Promise<void> {
    this.started = true;
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  /** Waits until every informer made so far has its first list (including late ones). */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }
}
