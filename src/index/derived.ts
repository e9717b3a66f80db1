import type { IndexSnapshot } from './snapshot.js';

const cache = new WeakMap<IndexSnapshot, Map<string, unknown>>();

/**
 * Per-item entries kept per snapshot, least recently used dropped first. A bot serves one snapshot for days, and
 * each question adds entries for the passages and articles it looked at: unbounded, they would grow with
 * everything ever asked (a passage's stems or trigrams are a few KB; 10,000 of them tens of MB).
 */
export const MAX_ITEM_ENTRIES = 10_000;

/**
 * Data derived from a snapshot (a passage's trigrams, an article's sentence statistics), computed on first use.
 * Snapshots never change, so nothing here can go stale; a rebuild's new snapshot starts with an empty cache. A key
 * of the form `kind:item` is one item's (a passage's, an article's, a word's) and is kept among the
 * MAX_ITEM_ENTRIES most recently used; any other key is the whole snapshot's (story clusters, the spelling
 * corrector) and is kept as long as the snapshot lives.
 */
export function derived<T>(snapshot: IndexSnapshot, key: string, compute: () => T): T {
  let entries = cache.get(snapshot);
  if (!entries) cache.set(snapshot, (entries = new Map()));
  const perItem = key.includes(':');
  if (entries.has(key)) {
    const value = entries.get(key) as T;
    if (perItem) recentItems(snapshot).touch(key);
    return value;
  }
  const value = compute();
  entries.set(key, value);
  if (perItem) {
    const evicted = recentItems(snapshot).touch(key);
    if (evicted !== undefined) entries.delete(evicted);
  }
  return value;
}

const recency = new WeakMap<IndexSnapshot, ItemRecency>();

function recentItems(snapshot: IndexSnapshot): ItemRecency {
  let items = recency.get(snapshot);
  if (!items) recency.set(snapshot, (items = new ItemRecency(MAX_ITEM_ENTRIES)));
  return items;
}

/** Per-item keys in order of use (a Map iterates in insertion order: re-inserting moves a key to the end). */
class ItemRecency {
  private readonly keys = new Map<string, true>();
  constructor(private readonly limit: number) {}

  /** Marks `key` used; returns the least recently used key if that pushed it out. */
  touch(key: string): string | undefined {
    this.keys.delete(key);
    this.keys.set(key, true);
    if (this.keys.size <= this.limit) return undefined;
    const oldest = this.keys.keys().next().value!;
    this.keys.delete(oldest);
    return oldest;
  }
}

/**
 * Like `derived`, but computed in slices that give the event loop a turn every few milliseconds: for data a big
 * snapshot needs before it is served (corpus statistics take ~1 s on 12,000 passages). `steps` yields after each
 * unit of work and returns the value. If `derived` asks for the same key meanwhile, its synchronous result wins.
 */
export async function derivedInSlices<T>(snapshot: IndexSnapshot, key: string, steps: () => Generator<void, T>): Promise<T> {
  const entries = cache.get(snapshot);
  if (entries?.has(key)) return entries.get(key) as T;
  const run = steps();
  let sliceStarted = performance.now();
  for (;;) {
    const next = run.next();
    if (next.done) return derived(snapshot, key, () => next.value);
    if (performance.now() - sliceStarted >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

const SLICE_MS = 4;
