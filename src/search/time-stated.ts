import type { IndexSnapshot } from '../index/snapshot.js';
import type { WordNet } from '../lexical/wordnet.js';
import type { QueryAnalysis } from './query.js';
import type { Candidate } from './retrieve.js';
import { sentenceStates, thingsThatSingleOut } from './quantity.js';

/**
 * Rule 6 of relevance.ts. "When was Hezbollah founded?", "when did the hamas attack on israel happen" ask for a
 * time. A passage answers only where one of its sentences states a time and speaks of a thing the question names
 * (as rule 5 asks of a number): an article on Hezbollah is no answer to when it was founded, however well it
 * covers "Hezbollah". Except where the article reports what is asked about, and is dated: news is dated by the
 * day it reports, so a dated article answers "when did Lavrov warn about escalation" (what someone said) and "when
 * did the hamas delegation visit moscow" (an event it reports) whatever its sentences say.
 */
export function asksWhen(question: string): boolean {
  return WHEN.test(question);
}

/** "When", "what year", "which date", at the start of the question (elsewhere "when" joins clauses). */
const WHEN = /^\W*(?:(?:hi|hey|hello|ok|so)\W+)?(?:when(?:['’]s)?|what\s+(?:year|date|day|month)|which\s+(?:year|date|day|month))\b/i;

/**
 * A word of the question whose commonest verb sense WordNet files under communication ("say", "warn", "urge",
 * "call"; and "remarks", "comments", whose verbs are): then the question asks when something was said.
 */
export function asksWhenSaid(question: string, wordnet: WordNet | null): boolean {
  const words = question.toLowerCase().match(/[a-z]+/g) ?? [];
  return words.slice(1).some((w) => wordnet?.communicates(w) ?? false);
}

/**
 * A month or weekday by name, a year, or a time counted back ("two weeks ago", "last year", "decades"). Month names
 * only capitalised, as news writes them: lower-case "may" is the verb. A year after "the" names a thing ("the 1967
 * borders"), not a time. "Today", "yesterday" are left out: they mean the article's own date, which a dated article
 * gives anyway and an undated one does not.
 */
const TIME_STATED =
  /\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|(?<!\bthe\s)\b(?:1[5-9]|20)\d{2}s?\b|\b(?:ago|decades?|centur(?:y|ies))\b|\b(?:last|this|next|past|previous)\s+(?:week|month|year|night|weekend)\b/;

/** Rule 6 for one passage: a sentence states a time and names one of the things of the question that single out articles. */
export function statesTime(snapshot: IndexSnapshot, chunkIndex: number, query: QueryAnalysis, specificityFloor: number): boolean {
  return sentenceStates(snapshot, chunkIndex, TIME_STATED, thingsThatSingleOut(query, specificityFloor));
}

/** Rule 6's exception: the passage's article is dated, so it tells when what it reports was said. */
export function datedArticle(snapshot: IndexSnapshot, chunkIndex: number): boolean {
  return (snapshot.manifest.documents[snapshot.chunks.fileOf(chunkIndex)!]?.date ?? null) !== null;
}

/**
 * The passage reports the event the question asks about: it expresses each of the question's verbs ("when did the
 * hamas delegation visit moscow": the article reports the visit), and a dated report is dated by its news. A
 * passage that only names the thing ("when was hezbollah founded": Hezbollah, not its founding) does not, and
 * neither does a question with no verb left to express ("when did lavrov become foreign minister").
 */
export function reportsEvent(candidate: Candidate, query: QueryAnalysis): boolean {
  const verbs = new Set(query.terms.filter((t) => t.acts && !t.names).map((t) => t.word));
  if (verbs.size === 0) return false;
  return candidate.evidence.matches.every((m) => !verbs.has(m.word) || m.credit > 0);
}
