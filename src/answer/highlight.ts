import { splitSentences } from '../chunk/chunker.js';
import { questionTerms } from '../search/keyword-index.js';
import type { QueryAnalysis } from '../search/query.js';

/**
 * The sentence of a passage that carries the most of the question's information (its rare words count most);
 * the earliest wins a tie, as news puts the gist first. Lexical evidence is cheap, explainable, and points the
 * eye at the sentence that names what was asked.
 */
export function bestSentence(passage: string, query: QueryAnalysis): string {
  const weightOf = new Map(query.terms.map((t) => [t.stem, t.information]));
  let best = '';
  let bestScore = -1;
  for (const { start, end } of splitSentences(passage)) {
    const sentence = passage.slice(start, end);
    const score = questionTerms(sentence).reduce((sum, t) => sum + (weightOf.get(t.stem) ?? 0), 0);
    if (score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  return best;
}
