import { distance } from 'fastest-levenshtein';
import type { Lexicon } from './lexicon.js';

/**
 * Reads a misspelt word as the corpus word it was meant to be: "hezbolla" → "hezbollah", "isreal" → "israel",
 * "lavorv" → "lavrov". A word is only corrected when
 * 1. the corpus never uses it (a word the articles use is never "corrected" into another);
 * 2. it is long enough for an edit to be a slip rather than another word: one edit from 4 letters, two from 6
 *    ("oil" ≠ "soil", "putin" ≠ "putting"); a swap of two neighbouring letters counts as one edit;
 * 3. general English agrees that it is a slip: the typed form is unknown to the 341k-word list; or it lies past
 *    the list's first 100,000 words (where the list is mostly typos, fragments and rare names: the offline model
 *    keeps no vector for them) and is at least 10 times rarer than the corpus word ("ceasfire" 193,487 vs
 *    "ceasefire" 4,600); or, within the first 100,000, at least MISSPELLING_RARITY times rarer ("isreal" 134,601
 *    vs "israel" 302). A real word that happens to be one edit from a corpus word is not corrected ("crimea"
 *    22,881 vs "crime" ~1,400; "president" vs "resident", where the typed word is the commoner one).
 * Among several candidates the closest wins, then the one the corpus uses most.
 */
const MISSPELLING_RARITY = 100;
const RARE_RANK = 100_000;
const RARE_MISSPELLING_RARITY = 10;
const ONE_EDIT_FROM = 4;
const TWO_EDITS_FROM = 6;

/** How many scans a corrector keeps (oldest dropped first): a few KB each at most. */
const MAX_KEPT_SCANS = 1_000;

export class SpellingCorrector {
  private readonly byLength = new Map<number, string[]>();
  private readonly scans = new Map<string, Array<{ word: string; edits: number }>>();

  constructor(
    private readonly corpusWords: ReadonlyMap<string, number>,
    private readonly lexicon: Lexicon,
  ) {
    for (const word of corpusWords.keys()) {
      if (!/^\p{L}+$/u.test(word) || word.length < ONE_EDIT_FROM - 1) continue;
      let list = this.byLength.get(word.length);
      if (!list) this.byLength.set(word.length, (list = []));
      list.push(word);
    }
  }

  /**
   * Corpus words one edit from a word the corpus does not use, commonest in the corpus first: "duel" → "dual",
   * "capitol" → "capital". When the typed word is a real English word, correct() leaves it (it is a word of its
   * own); only the words around it can tell a slip (see realWordSlip in query.ts).
   */
  oneEditAway(word: string): string[] {
    const typed = this.unknown(word);
    if (!typed) return [];
    return this.within(typed, 1)
      .map((c) => c.word)
      .sort((a, b) => (this.corpusWords.get(b) ?? 0) - (this.corpusWords.get(a) ?? 0));
  }

  /** The corpus word meant by `word`, or null when it is not a misspelling of one. */
  correct(word: string): string | null {
    const typed = this.unknown(word);
    if (!typed) return null;
    const maxEdits = typed.length >= TWO_EDITS_FROM ? 2 : 1;
    const typedRank = this.lexicon.rank(typed);
    let best: { word: string; edits: number; count: number } | null = null;
    for (const { word: candidate, edits } of this.within(typed, maxEdits)) {
      const candidateRank = this.lexicon.rank(candidate);
      if (typedRank !== null && (candidateRank === null || typedRank < candidateRank * (typedRank > RARE_RANK ? RARE_MISSPELLING_RARITY : MISSPELLING_RARITY))) continue;
      const count = this.corpusWords.get(candidate) ?? 0;
      if (!best || edits < best.edits || (edits === best.edits && count > best.count)) best = { word: candidate, edits, count };
    }
    return best?.word ?? null;
  }

  /** The word lower-cased when it may be a slip: the corpus does not use it, it has 4+ letters and only letters. */
  private unknown(word: string): string | null {
    const typed = word.toLowerCase();
    return this.corpusWords.has(typed) || typed.length < ONE_EDIT_FROM || !/^\p{L}+$/u.test(typed) ? null : typed;
  }

  /**
   * Corpus words within `maxEdits` of the typed word, with their edit counts. Each scan reads every corpus word of
   * about the typed length (a tenth of a question's time with the Brown distractors), and the same unknown words
   * recur in a channel ("hezbolla"), so the last scans are kept: a corrector lives as long as its index snapshot.
   */
  private within(typed: string, maxEdits: number): Array<{ word: string; edits: number }> {
    const key = `${maxEdits}:${typed}`;
    const kept = this.scans.get(key);
    if (kept) return kept;
    const found = this.scan(typed, maxEdits);
    if (this.scans.size >= MAX_KEPT_SCANS) this.scans.delete(this.scans.keys().next().value!);
    this.scans.set(key, found);
    return found;
  }

  private scan(typed: string, maxEdits: number): Array<{ word: string; edits: number }> {
    const found: Array<{ word: string; edits: number }> = [];
    for (let len = typed.length - maxEdits; len <= typed.length + maxEdits; len++) {
      for (const candidate of this.byLength.get(len) ?? []) {
        const edits = editsBetween(typed, candidate, maxEdits);
        if (edits <= maxEdits) found.push({ word: candidate, edits });
      }
    }
    return found;
  }
}

/**
 * Edits between two words, a swap of neighbouring letters counting as one (Damerau's observation: it is the commonest
 * slip at a keyboard), so "kuwiat" is two edits from "kuwaiti" (a swap and a missing letter), not three. The
 * optimal-string-alignment distance, computed only when plain Levenshtein (fastest-levenshtein, bit-parallel) leaves
 * it within reach: a swap saves at most one edit per swap, so a word more than `max` + 1 away by Levenshtein that
 * is within `max` by swaps would need two swaps, rarer than the words it would wrongly reach.
 */
function editsBetween(a: string, b: string, max: number): number {
  const d = distance(a, b);
  if (d <= 1 || d > max + 1) return d;
  return Math.min(d, optimalStringAlignment(a, b));
}

function optimalStringAlignment(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) table[i * cols] = i;
  for (let j = 0; j < cols; j++) table[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(table[(i - 1) * cols + j] + 1, table[i * cols + j - 1] + 1, table[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, table[(i - 2) * cols + j - 2] + 1);
      table[i * cols + j] = best;
    }
  }
  return table[rows * cols - 1];
}
