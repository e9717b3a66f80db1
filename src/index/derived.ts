import type { IndexSnapshot } from './snapshot.js';

const cache = new WeakMap<IndexSnapshot, Map<string, unknown>>();

/**
 * Data derived from a snapshot (a passage's trigrams, an article's sentence statistics), computed on first use
 * and kept as long as the snapshot lives. Snapshots never change, so nothing here can go stale; a rebuild's new
 * snapshot starts with an empty cache.
 */
export function derived<T>(snapshot: IndexSnapshot, key: string, compute: () => T): T {
  let entries = cache.get(snapshot);
  if (!entries) cache.set(snapshot, (entries = new Map()));
  if (entries.has(key)) return entries.get(key) as T;
  const value = compute();
  entries.set(key, value);
  return value;
}
