/** The per-snapshot cache of derived data stays bounded however many passages a long-running bot looks at. */
import { describe, expect, it } from 'vitest';
import { derived, MAX_ITEM_ENTRIES } from '../src/index/derived.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';

describe('derived data per snapshot', () => {
  it('keeps the most recently used per-item entries, drops the oldest, and keeps whole-snapshot entries', () => {
    // The cache only keys on the snapshot object's identity.
    const snapshot = {} as IndexSnapshot;
    const computed: string[] = [];
    const get = (key: string) => derived(snapshot, key, () => (computed.push(key), key.length));
    get('story-clusters');
    get('trigrams:0');
    for (let i = 1; i < MAX_ITEM_ENTRIES; i++) get(`trigrams:${i}`);
    get('trigrams:0'); // used again: now the most recent
    get(`trigrams:${MAX_ITEM_ENTRIES}`); // one over the limit: pushes out the least recently used, trigrams:1
    computed.length = 0;
    get('trigrams:0');
    get('story-clusters');
    get(`trigrams:${MAX_ITEM_ENTRIES}`);
    get('trigrams:2');
    expect(computed).toEqual([]);
    get('trigrams:1');
    expect(computed).toEqual(['trigrams:1']);
  });

  it('a new snapshot starts empty', () => {
    const computed: number[] = [];
    for (const snapshot of [{}, {}] as IndexSnapshot[]) derived(snapshot, 'as-of', () => computed.push(1));
    expect(computed).toHaveLength(2);
  });
});
