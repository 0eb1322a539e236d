// An in-process cache of every object under a store prefix, kept current by a store watch.
// The server reads RBAC objects from it on every request, so authorization costs no store read.
import type { KubeObject } from '../api/types.js';
import type { Store, Watch } from '../storage/store.js';

export class PrefixCache {
  private readonly objects = new Map<string, KubeObject>();
  private watch?: Watch;

  constructor(
    private readonly store: Store,
    readonly prefix: string,
    private readonly onChange?: (key: string, obj: KubeObject | undefined) => void,
  ) {}

  async start(): Promise<void> {
    const listed = await this.store.list(this.prefix);
    for (const entry of listed.entries) this.objects.set(entry.key, JSON.parse(entry.value) as KubeObject);
    this.watch = this.store.watch(this.prefix, listed.revision, (event) => {
      if (event.type === 'delete') this.objects.delete(event.key);
      else this.objects.set(event.key, JSON.parse(event.value) as KubeObject);
      this.onChange?.(event.key, event.type === 'delete' ? undefined : this.objects.get(event.key));
    });
    if (this.onChange) for (const [key, obj] of this.objects) this.onChange(key, obj);
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** The objects whose keys start with `prefix` (itself under this cache's prefix). */
  list(prefix = this.prefix): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [key, obj] of this.objects) if (key.startsWith(prefix)) out.push(obj);
    return out;
  }

  stop(): void {
    this.watch?.stop();
  }
}
