import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { keywordTerm, keywordText, PREFIX_MIN_LENGTH } from './keyword-index.js';
import type { WeightedTerm } from './query.js';

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
  const heads = positionsOf(pair.head, terms);
  if (heads.length === 0) return false;
  const ofs = positionsOf(pair.of, terms);
  return ofs.some((o) => heads.some((h) => Math.abs(h - o) < WINDOW));
}

/**
 * Where in a sentence's terms the question term is expressed: its word (or a longer word it starts, as in keyword
 * search), or any expansion, a collocation by its first word when the rest follow within the window.
 */
function positionsOf(term: WeightedTerm, terms: readonly string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i < terms.length; i++) {
    const token = terms[i];
    const found = term.expansions.some((e) => {
      const [first, ...rest] = e.stems;
      const prefix = e.kind === 'exact' || e.kind === 'spelling';
      if (token !== first && !(prefix && first.length >= PREFIX_MIN_LENGTH && token.startsWith(first))) return false;
      return rest.every((stem) => terms.slice(i + 1, i + WINDOW).includes(stem));
    });
    if (found) at.push(i);
  }
  return at;
}

/** Each sentence of a passage as its keyword terms in order; once per passage and snapshot. */
function sentenceTerms(snapshot: IndexSnapshot, chunk: number): string[][] {
  return derived(snapshot, `sentence-terms:${chunk}`, () => {
    const c = snapshot.chunks.get(chunk);
    return c.sentences.map(([start, end]) => keywordText(c.text.slice(start, end)).split(' ').filter(Boolean));
  });
}
