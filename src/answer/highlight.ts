import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { sentenceStems } from '../search/sentence-stems.js';
import { termEvidence, type QueryAnalysis } from '../search/query.js';
import { tidyExcerpt } from './excerpt.js';

/** How many sentences of one article contain each stem. */
interface ArticleStats {
  sentences: number;
  containing: Map<string, number>;
}

/**
 * The sentence of a passage that best answers the question, as it appears in the tidied excerpt. Each question
 * word found in a sentence scores its information (rare words say more) times its inverse sentence frequency
 * within the article: in an interview with Lavrov, "Lavrov" is in every other sentence and cannot point at the
 * answer, while "ceasefire" can. Synonyms and related words count for their credit (see query.ts). The earliest
 * sentence wins a tie, as news puts the gist first.
 */
export function bestSentence(snapshot: IndexSnapshot, chunkIndex: number, query: QueryAnalysis): string {
  const chunk = snapshot.chunks.get(chunkIndex);
  const stats = articleStats(snapshot, chunk.file);
  const weighted = query.terms.map((t) => {
    const n = stats.containing.get(t.stem) ?? 0;
    return { term: t, weight: t.information * Math.log(1 + (stats.sentences - n + 0.5) / (n + 0.5)) };
  });
  let best = '';
  let bestScore = -1;
  sentenceStems(snapshot, chunkIndex).forEach((stems, i) => {
    let score = 0;
    // A sentence that says "ceasefire" answers "truce" too, for the synonym's share.
    for (const { term, weight } of weighted) score += weight * termEvidence(term, (s) => stems.has(s)).credit;
    if (score > bestScore) {
      best = chunk.text.slice(...chunk.sentences[i]);
      bestScore = score;
    }
  });
  return tidyExcerpt(best);
}

/** Computed once per article and snapshot: sentences are counted once even where chunks overlap. */
function articleStats(snapshot: IndexSnapshot, file: string): ArticleStats {
  return derived(snapshot, `article-stats:${file}`, () => {
    const seen = new Set<number>();
    const containing = new Map<string, number>();
    for (const index of snapshot.chunks.positionsOf(file)) {
      const chunk = snapshot.chunks.get(index);
      sentenceStems(snapshot, index).forEach((stems, i) => {
        const start = chunk.start + chunk.sentences[i][0];
        if (seen.has(start)) return;
        seen.add(start);
        for (const stem of stems) containing.set(stem, (containing.get(stem) ?? 0) + 1);
      });
    }
    return { sentences: seen.size, containing };
  });
}
