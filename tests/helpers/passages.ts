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

/** The keyword hits for `words` as `score file#ordinal`, best first, equal scores in passage order: ids play no part. */
export function keywordHits(snapshot: IndexSnapshot, words: string): string[] {
  const match = keywordQuery(words);
  if (!match) return [];
  const hits = snapshot.store.searchKeywords(match, 1000).map((hit) => {
    const c = snapshot.chunks.get(hit.chunk);
    return { score: hit.score.toFixed(9), passage: `${c.file}#${c.ordinal}` };
  });
  hits.sort((a, b) => Number(b.score) - Number(a.score) || a.passage.localeCompare(b.passage));
  return hits.map((h) => `${h.score} ${h.passage}`);
}
