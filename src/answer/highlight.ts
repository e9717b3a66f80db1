import { splitSentences } from '../chunk/chunker.js';
import { keywordTerms } from '../search/keyword-index.js';

// Words sharing their first five letters count as the same word ("died"/"dies" do not, "bombardment"/"bombarding" do).
const STEM_LENGTH = 5;
const stem = (term: string) => term.slice(0, STEM_LENGTH);

/**
 * The sentence of a passage that shares the most distinct question words; the earliest wins a tie, as news
 * puts the gist first. Lexical overlap is cheap, explainable, and good enough to point the eye.
 */
export function bestSentence(passage: string, question: string): string {
  const wanted = new Set(keywordTerms(question).map(stem));
  let best = '';
  let bestScore = -1;
  for (const { start, end } of splitSentences(passage)) {
    const sentence = passage.slice(start, end);
    const found = new Set(keywordTerms(sentence).map(stem).filter((s) => wanted.has(s)));
    if (found.size > bestScore) {
      best = sentence;
      bestScore = found.size;
    }
  }
  return best;
}
