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
