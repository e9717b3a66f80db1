import type { IndexSnapshot } from '../index/snapshot.js';
import { termEvidence, type QueryAnalysis, type WeightedTerm } from './query.js';
import { sentenceStems } from './sentence-stems.js';

/**
 * "How many hostages…", "how much aid…" ask for a number. A passage answers such a question only where one of its
 * sentences states a quantity and speaks of a thing the question names: "34,000 residential units", "tens of
 * thousands of 'innocent Palestinians' have lost their lives", "35 hospitals rendered non-operational". The words
 * alone do not answer it: "missile attacks from Iran aimed at Israel" has every word of "how many missiles did
 * Iran fire at Israel" and no count. Asked of one sentence, not the passage, because a passage of five sentences
 * nearly always holds some number (a date, an age, a count of something else).
 *
 * The named thing must single out something here (specificity above the floor): in a corpus of Lavrov interviews a
 * count in a sentence on Lavrov says nothing about "how many hostages".
 */
export function asksForQuantity(question: string): boolean {
  return HOW_MANY.test(question);
}

const HOW_MANY = /\bhow\s+(?:many|much)\b/i;

/** A number in digits, a number word, or a word for an amount ("dozens", "thousands", "half", "percent"). */
const QUANTITY =
  /\d|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|percent|several|scores)\b/i;

/** Rule 5 for one passage, sentence by sentence as the chunker split it. */
export function statesQuantity(snapshot: IndexSnapshot, chunkIndex: number, query: QueryAnalysis, specificityFloor: number): boolean {
  const things = thingsThatSingleOut(query, specificityFloor);
  return things.length === 0 || sentenceStates(snapshot, chunkIndex, QUANTITY, things);
}

/** The things a question names that single out some articles (specificity above the floor). */
export function thingsThatSingleOut(query: QueryAnalysis, specificityFloor: number): WeightedTerm[] {
  return query.terms.filter((t) => t.names && t.specificity > specificityFloor);
}

/**
 * Whether one sentence of the passage (as the chunker split it) matches `pattern` and names one of `things` (any
 * sentence that matches, when there are none): the test of rules 5 and 6.
 */
export function sentenceStates(snapshot: IndexSnapshot, chunkIndex: number, pattern: RegExp, things: readonly WeightedTerm[]): boolean {
  const chunk = snapshot.chunks.get(chunkIndex);
  return sentenceStems(snapshot, chunkIndex).some((stems, i) => pattern.test(chunk.text.slice(...chunk.sentences[i])) && (things.length === 0 || namesOneOf(stems, things)));
}

function namesOneOf(stems: ReadonlySet<string>, things: readonly WeightedTerm[]): boolean {
  // Prefix matching for the word itself, as in keyword search ("kuwait" finds "kuwaiti"; see termEvidence).
  const has = (stem: string, prefix: boolean) => stems.has(stem) || (prefix && [...stems].some((s) => s.startsWith(stem)));
  return things.some((t) => termEvidence(t, has).credit > 0);
}
