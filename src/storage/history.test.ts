// The watch history on its own: ring wrap-around, ordering under re-entrancy, error isolation.

import { describe, expect, it } from 'vitest';

import { WatchHistory } from './history.js';
import { StoreError, type StoreEvent } from './store.js';

const put = (revision: number, key = `/r/${revision}`): StoreEvent => ({ type: 'put', key, value: '{}', revision });

describe('WatchHistory', () => {
  it('keeps the last N events across many wrap-arounds', () => {
    const h = new WatchHistory(100, { size: 7 });
    for (let r = 101; r <= 150; r++) h.append(put(r));
    expect(h.oldestRevision()).toBe(143);
    const seen: number[] = [];
    h.watch('/r/', 143, (e) => seen.push(e.revision));
    expect(seen).toEqual([144, 145, 146, 147, 148, 149, 150]);
    expect(() => h.watch('/r/', 142, () => {})).toThrow(StoreError);
  });

  it('starts at the given revision: earlier watches are Compacted, later ones are fine', () => {
    const h = new WatchHistory(40);
    expect(() => h.watch('/r/', 39, () => {})).toThrow(/compacted/);
    const seen: number[] = [];
    h.watch('/r/', 40, (e) => seen.push(e.revision));
    h.append(put(41));
    expect(seen).toEqual([41]);
  });

  it('rejects a malformed start revision', () => {
    const h = new WatchHistory(0);
    expect(() => h.watch('/r/', Number.NaN, () => {})).toThrow(RangeError);
    expect(() => h.watch('/r/', -1, () => {})).toThrow(RangeError);
  });

  it('refuses an event that does not move the revision forward', () => {
    const h = new WatchHistory(5);
    h.append(put(6));
    expect(() => h.append(put(6))).toThrow(/not after/);
  });

  it('a watcher added from inside a callback gets each event exactly once', () => {
    const h = new WatchHistory(0);
    const late: number[] = [];
    h.watch('/r/', 0, (e) => {
      if (e.revision === 2) h.watch('/r/', 0, (x) => late.push(x.revision));
    });
    for (let r = 1; r <= 4; r++) h.append(put(r));
    expect(late).toEqual([1, 2, 3, 4]);
  });

  it('a replay that triggers more writes than the ring holds still has no gap', () => {
    const h = new WatchHistory(0, { size: 3 });
    let next = 1;
    for (; next <= 3; next++) h.append(put(next));
    const seen: number[] = [];
    h.watch('/r/', 0, (e) => {
      seen.push(e.revision);
      // Each of the three replayed events writes five more: the ring wraps during the replay.
      if (e.revision <= 3) for (let k = 0; k < 5; k++) h.append(put(next++));
    });
    h.append(put(next++));
    expect(seen).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it('reports a throwing watcher and goes on', () => {
    const errors: string[] = [];
    const h = new WatchHistory(0, { onWatcherError: (error, event) => errors.push(`${(error as Error).message}@${event.revision}`) });
    const seen: number[] = [];
    h.watch('/r/', 0, () => {
      throw new Error('boom');
    });
    h.watch('/r/', 0, (e) => seen.push(e.revision));
    h.append(put(1));
    expect(errors).toEqual(['boom@1']);
    expect(seen).toEqual([1]);
  });

  it('hands out frozen events', () => {
    const h = new WatchHistory(0);
    let got: StoreEvent | undefined;
    h.watch('', 0, (e) => (got = e));
    h.append(put(1));
    expect(Object.isFrozen(got)).toBe(true);
  });

  it('close() drops every watcher', () => {
    const h = new WatchHistory(0);
    const seen: number[] = [];
    h.watch('/r/', 0, (e) => seen.push(e.revision));
    h.watch('/r', 0, (e) => seen.push(e.revision));
    expect(h.watcherCount()).toBe(2);
    h.close();
    expect(h.watcherCount()).toBe(0);
    h.append(put(1));
    expect(seen).toEqual([]);
  });
});
