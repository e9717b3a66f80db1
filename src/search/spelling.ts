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

export class SpellingCorrector {
  private readonly byLength = new Map<number, string[]>();

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

  /** The corpus word meant by `word`, or null when it is not a misspelling of one. */
  correct(word: string): string | null {
    const typed = word.toLowerCase();
    if (this.corpusWords.has(typed) || typed.length < ONE_EDIT_FROM || !/^\p{L}+$/u.test(typed)) return null;
    const maxEdits = typed.length >= TWO_EDITS_FROM ? 2 : 1;
    const typedRank = this.lexicon.rank(typed);
    let best: { word: string; edits: number; count: number } | null = null;
    for (let len = typed.length - maxEdits; len <= typed.length + maxEdits; len++) {
      for (const candidate of this.byLength.get(len) ?? []) {
        const edits = editsBetween(typed, candidate, maxEdits);
        if (edits > maxEdits) continue;
        const candidateRank = this.lexicon.rank(candidate);
        if (typedRank !== null && (candidateRank === null || typedRank < candidateRank * (typedRank > RARE_RANK ? RARE_MISSPELLING_RARITY : MISSPELLING_RARITY))) continue;
        const count = this.corpusWords.get(candidate) ?? 0;
        if (!best || edits < best.edits || (edits === best.edits && count > best.count)) best = { word: candidate, edits, count };
      }
    }
    return best?.word ?? null;
  }
}

/** Levenshtein distance, with one swap of neighbouring letters counted as a single edit (Damerau's observation). */
function editsBetween(a: string, b: string, max: number): number {
  const d = distance(a, b);
  if (d > max + 1) return d;
  if (d !== 2 || a.length !== b.length) return d;
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (++diffs > 2) return d;
    if (first < 0) first = i;
  }
  const i = first;
  return diffs === 2 && a[i] === b[i + 1] && a[i + 1] === b[i] ? 1 : d;
}
