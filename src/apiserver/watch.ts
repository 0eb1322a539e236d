// Watch responses: a chunked stream of newline-terminated JSON events, closed at timeoutSeconds,
// with periodic BOOKMARKs when asked and an ERROR 410 event when the resourceVersion is too old.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../api/types.js';
import { StatusError } from './errors.js';
import type { ObjectEvent } from './rest.js';
import type { Watch } from '../storage/store.js';

export interface WatchStreamOptions {
  timeoutSeconds: number;
  bookmarks: boolean;
  /** How each object is sent (the object itself, a one-row Table, PartialObjectMetadata). */
  render: (object: KubeObject, first: boolean) => unknown;
  /** A bookmark: the same kind with only metadata.resourceVersion. */
  bookmark: (resourceVersion: string) => unknown;
}

const BOOKMARK_INTERVAL_MS = 30_000;

/** Upstream picks a random timeout in [minRequestTimeout, 2×minRequestTimeout) when none is asked. */
export function defaultWatchTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

const json = new WeakMap<KubeObject, string>();

/** An object's JSON, made once however many watchers send it (objects in a watch are read-only). */
function serialized(obj: KubeObject): string {
  let text = json.get(obj);
  if (text === undefined) json.set(obj, (text = JSON.stringify(obj)));
  return text;
}

export class WatchStream {
  private closed = false;
  private first = true;
  private pending: string[] = [];
  private lastResourceVersion = '';
  private timers: NodeJS.Timeout[] = [];
  private watch?: Watch;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly options: WatchStreamOptions,
  ) {}

  /** Starts the response; `open` subscribes and returns the store watch. */
  async start(open: (send: (event: ObjectEvent) => void) => Promise<Watch>): Promise<void> {
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    this.res.flushHeaders();
    this.req.on('close', () => this.close());
    this.res.on('close', () => this.close());
    try {
      this.watch = await open((event) => this.send(event.type, event.object));
    } catch (err) {
      if (err instanceof StatusError) {
        this.write({ type: 'ERROR', object: err.toStatus() });
        this.close();
        return;
      }
      this.close();
      throw err;
    }
    if (this.closed) {
      this.watch.stop();
      return;
    }
    this.timers.push(setTimeout(() => this.close(), this.options.timeoutSeconds * 1000));
    if (this.options.bookmarks) {
      this.timers.push(setInterval(() => this.sendBookmark(), BOOKMARK_INTERVAL_MS));
    }
  }

  private send(type: string, object: KubeObject): void {
    if (this.closed) return;
    this.lastResourceVersion = object.metadata.resourceVersion ?? this.lastResourceVersion;
    const rendered = this.options.render(object, this.first);
    this.first = false;
    // Served as is: the object's JSON is shared by every watcher that sends it unchanged.
    if (rendered === object) this.writeLine(`{"type":${JSON.stringify(type)},"object":${serialized(object)}}\n`);
    else this.write({ type, object: rendered });
  }

  private sendBookmark(): void {
    if (this.closed || !this.lastResourceVersion) return;
    this.write({ type: 'BOOKMARK', object: this.options.bookmark(this.lastResourceVersion) });
  }

  /**
   * Events that arrive together (a burst of writes, a relist) leave in one chunk: one socket write
   * per turn of the event loop instead of one per event.
   */
  private write(event: unknown): void {
    this.writeLine(JSON.stringify(event) + '\n');
  }

  private writeLine(line: string): void {
    if (this.closed) return;
    this.pending.push(line);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.pending.length === 0 || this.res.writableEnded) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.res.write(chunk);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.watch?.stop();
    if (!this.res.writableEnded) this.res.end();
  }
}
