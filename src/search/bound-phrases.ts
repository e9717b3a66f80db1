import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { keywordTerm, keywordText } from './keyword-index.js';
import { termEvidence, type WeightedTerm } from './query.js';

/**
 * "The president of Iran" names one thing, not two: a president, and Iran, and the one tied to the other. Rule 3 of
 * relevance.ts asks the article to mention each thing a question names; for two nouns the question binds with "of",
 * it asks one of its sentences to mention them together, within a few words: "Iran's president", "the president of
 * Iran", "Iranian President X", "the president, X, of Iran" are all within WINDOW. A 1961 press text that says "The
 * President and his advisers felt … a grave miscalculation in areas such as Berlin, Iran or Latin America" names
 * both, twelve words apart, and speaks of neither as the other's.
 */
export interface BoundPair {
  head: WeightedTerm;
  of: WeightedTerm;
}

/** How many keyword terms (stop words aside) may lie between the two, plus one. */
const WINDOW = 6;

const OF_PHRASE = /([\p{L}\p{N}'’-]+)\s+of\s+(?:the\s+|a\s+|an\s+)?([\p{L}\p{N}'’-]+)/giu;

/** The pairs of named things the question binds with "of" ("president of iran"), as its terms. */
export function boundPairs(question: string, terms: readonly WeightedTerm[]): BoundPair[] {
  const named = (word: string) => {
    const stem = keywordTerm(word);
    return terms.find((t) => t.names && (t.word === word.toLowerCase() || (stem !== null && t.stem === stem))) ?? null;
  };
  const pairs: BoundPair[] = [];
  for (const m of question.matchAll(OF_PHRASE)) {
    const head = named(m[1]);
    const of = named(m[2]);
    if (head && of && head !== of) pairs.push({ head, of });
  }
  return pairs;
}

/** The pairs that no sentence of the article names within WINDOW terms of each other. */
export function unboundIn(snapshot: IndexSnapshot, file: string, pairs: readonly BoundPair[]): BoundPair[] {
  if (pairs.length === 0) return [];
  const sentences = snapshot.chunks.positionsOf(file).flatMap((chunk) => sentenceTerms(snapshot, chunk));
  return pairs.filter((pair) => !sentences.some((terms) => togetherIn(terms, pair)));
}

function togetherIn(terms: readonly string[], pair: BoundPair): boolean {
  const expressed = (term: WeightedTerm, stems: ReadonlySet<string>) =>
    termEvidence(term, (stem, prefix) => stems.has(stem) || (prefix && [...stems].some((s) => s.startsWith(stem)))).credit > 0;
  // Most sentences name neither; only one that names both is read window by window.
  const all = new Set(terms);
  if (!expressed(pair.head, all) || !expressed(pair.of, all)) return false;
  for (let start = 0; start < Math.max(1, terms.length - WINDOW + 1); start++) {
    const window = new Set(terms.slice(start, start + WINDOW));
    if (expressed(pair.head, window) && expressed(pair.of, window)) return true;
  }
  return false;
}

/** Each sentence of a passage as its keyword terms in order; once per passage and snapshot. */
function sentenceTerms(snapshot: IndexSnapshot, chunk: number): string[][] {
  return derived(snapshot, `sentence-terms:${chunk}`, () => {
    const c = snapshot.chunks.get(chunk);
    return c.sentences.map(([start, end]) => keywordText(c.text.slice(start, end)).split(' ').filter(Boolean));
  });
}
