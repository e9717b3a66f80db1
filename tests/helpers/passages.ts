import type { Chunk } from '../../src/chunk/chunker.js';
import { passageIds, type IndexSnapshot } from '../../src/index/snapshot.js';
import { keywordQuery } from '../../src/search/keyword-index.js';

/** Every passage of a snapshot with its id, read from its store: what tests compare between two snapshots. */
export function allPassages(snapshot: IndexSnapshot): Array<[number, Chunk]> {
  return [...passageIds(snapshot.chunks)].map((id) => [id, snapshot.chunks.get(id)]);
}

/** The articles of the passages the keyword index finds for `words`, best first. */
export function keywordFiles(snapshot: IndexSnapshot, words: string): string[] {
  const match = keywordQuery(words);
  return match ? snapshot.store.searchKeywords(match, 100).map((hit) => snapshot.chunks.fileOf(hit.chunk)!) : [];
}
