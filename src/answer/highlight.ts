import type { Chunk } from '../chunk/chunker.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { termStems } from '../search/keyword-index.js';
import type { QueryAnalysis } from '../search/query.js';
import { tidyExcerpt } from './excerpt.js';

/** How many sentences of one article contain each stem. */
interface ArticleStats {
  sentences: number;
  containing: Map<string, number>;
}

const statsCache = new WeakMap<IndexSnapshot, Map<string, ArticleStats>>();
const chunksByFile = new WeakMap<IndexSnapshot, Map<string, Chunk[]>>();

/**
 * The sentence of a passage that best answers the question, as it appears in the tidied excerpt. Each question
 * word found in a sentence scores its information (rare words say more) times its inverse sentence frequency
 * within the article: in an interview with Lavrov, "Lavrov" is in every other sentence and cannot point at the
 * answer, while "ceasefire" can. The earliest sentence wins a tie, as news puts the gist first.
 */
export function bestSentence(snapshot: IndexSnapshot, chunk: Chunk, query: QueryAnalysis): string {
  const stats = articleStats(snapshot, chunk.file);
  const weightOf = new Map(
    query.terms.map((t) => {
      const n = stats.containing.get(t.stem) ?? 0;
      return [t.stem, t.information * Math.log(1 + (stats.sentences - n + 0.5) / (n + 0.5))];
    }),
  );
  let best = '';
  let bestScore = -1;
  for (const [start, end] of chunk.sentences) {
    const sentence = chunk.text.slice(start, end);
    let score = 0;
    for (const stem of termStems(sentence)) score += weightOf.get(stem) ?? 0;
    if (score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  return tidyExcerpt(best);
}

/** Computed once per article and snapshot: sentences are counted once even where chunks overlap. */
function articleStats(snapshot: IndexSnapshot, file: string): ArticleStats {
  let perFile = statsCache.get(snapshot);
  if (!perFile) statsCache.set(snapshot, (perFile = new Map()));
  const known = perFile.get(file);
  if (known) return known;
  const seen = new Set<number>();
  const containing = new Map<string, number>();
  for (const chunk of articleChunks(snapshot, file)) {
    for (const [start, end] of chunk.sentences) {
      if (seen.has(chunk.start + start)) continue;
      seen.add(chunk.start + start);
      for (const stem of termStems(chunk.text.slice(start, end))) containing.set(stem, (containing.get(stem) ?? 0) + 1);
    }
  }
  const stats = { sentences: seen.size, containing };
  perFile.set(file, stats);
  return stats;
}

/** One pass over all passages per snapshot, rather than one per article asked about. */
function articleChunks(snapshot: IndexSnapshot, file: string): Chunk[] {
  let byFile = chunksByFile.get(snapshot);
  if (!byFile) {
    byFile = new Map();
    for (const chunk of snapshot.chunks) {
      const list = byFile.get(chunk.file);
      if (list) list.push(chunk);
      else byFile.set(chunk.file, [chunk]);
    }
    chunksByFile.set(snapshot, byFile);
  }
  return byFile.get(file) ?? [];
}
