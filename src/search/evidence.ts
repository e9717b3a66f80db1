import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { corpusStats } from './corpus-stats.js';
import { PREFIX_MIN_LENGTH, termStems } from './keyword-index.js';
import { termEvidence, type EvidenceKind, type QueryAnalysis, type WeightedTerm } from './query.js';

/** How one question word is expressed in a passage. */
export interface TermMatch {
  word: string;
  /** The passage's expression of it ("ceasefire" for "truce"); null when the passage does not express it. */
  matched: string | null;
  kind: EvidenceKind | null;
  /** 0–1: the share of the word's weight this expression carries. */
  credit: number;
  /** The word's share of the question's weight. */
  share: number;
}

export interface PassageEvidence {
  /** Share of the question's weight the passage carries, each word counted by its best expression. */
  coverage: number;
  /** The same share of the weight the relevance decision counts (`decisionWeight`; rule 2 of relevance.ts). */
  decisive: number;
  matches: TermMatch[];
}

/** A passage's stems, and its article title's: the title is shown with every citation and says what it is about. */
export function passageStems(snapshot: IndexSnapshot, chunk: number): Set<string> {
  return derived(snapshot, `passage-stems:${chunk}`, () => {
    const c = snapshot.chunks.get(chunk);
    const stems = termStems(c.text);
    for (const s of termStems(snapshot.manifest.documents[c.file]?.title ?? '')) stems.add(s);
    return stems;
  });
}

/** All passages' stems of one article, and its title's: what the article says anywhere. */
export function articleStems(snapshot: IndexSnapshot, file: string): Set<string> {
  return derived(snapshot, `article-stems:${file}`, () => {
    const stems = new Set<string>();
    for (const chunk of snapshot.chunks.positionsOf(file)) for (const s of passageStems(snapshot, chunk)) stems.add(s);
    return stems;
  });
}

/** The words of `terms` that an article expresses in no way at all (not even through a broad relative). */
export function unexpressedIn(snapshot: IndexSnapshot, file: string, terms: readonly WeightedTerm[]): string[] {
  if (terms.length === 0) return [];
  const has = containsStem(articleStems(snapshot, file));
  return terms.filter((term) => termEvidence(term, has).credit === 0).map((term) => term.word);
}

/**
 * `unweighed`: question words left out of the coverage. Retrieval passes the verbs that no article expresses in any
 * way: a verb is how a question asks ("did Lavrov warn about the fighting spreading…"), reporters put it in their
 * own words, and one that no article uses is missing from every passage alike, so it tells no passage from another
 * and only pulls them all under rule 2's bar (whether the corpus lacks too much of the question is rule 1's to
 * say). Nouns and their modifiers stay weighed: "nuclear" in "nuclear weapons" is part of the thing asked about.
 */
export function passageEvidence(snapshot: IndexSnapshot, chunk: number, query: QueryAnalysis, unweighed?: ReadonlySet<string>): PassageEvidence {
  const weighed = (weight: (t: WeightedTerm) => number) => (unweighed?.size ? (t: WeightedTerm) => (unweighed.has(t.word) ? 0 : weight(t)) : weight);
  return evidenceIn(query, containsStem(passageStems(snapshot, chunk)), weighed((t) => t.weight), weighed((t) => t.decisionWeight));
}

/**
 * The best the whole corpus can do for each word: a word that no article expresses in any way is evidence that
 * the corpus cannot answer. Prefix matches count as in keyword search. `unweighed` as for passageEvidence.
 */
export function corpusEvidence(snapshot: IndexSnapshot, query: QueryAnalysis, unweighed?: ReadonlySet<string>): PassageEvidence {
  const stats = corpusStats(snapshot);
  const has = (stem: string, prefix: boolean) =>
    stats.articleFrequency.has(stem) ||
    (prefix &&
      stem.length >= PREFIX_MIN_LENGTH &&
      derived(snapshot, `prefix:${stem}`, () => startsAny(stats.articleFrequency.keys(), stem)));
  const information = (term: WeightedTerm) => (unweighed?.has(term.word) ? 0 : term.information);
  return evidenceIn(query, has, information, information);
}

/**
 * Shares are of `weightOf`: within the corpus (information × specificity) for passages, which must carry what
 * singles the question out here; in general English (information alone) for the corpus as a whole, as a word's
 * absence from every article says the corpus lacks it whether or not the other words are common here.
 */
function evidenceIn(
  query: QueryAnalysis,
  has: (stem: string, prefix: boolean) => boolean,
  weightOf: (term: WeightedTerm) => number,
  decisionWeightOf: (term: WeightedTerm) => number,
): PassageEvidence {
  const total = query.terms.reduce((sum, t) => sum + weightOf(t), 0);
  const decisionTotal = query.terms.reduce((sum, t) => sum + decisionWeightOf(t), 0);
  let covered = 0;
  let decided = 0;
  const matches = query.terms.map((term): TermMatch => {
    const { credit, expansion } = termEvidence(term, has);
    covered += weightOf(term) * credit;
    decided += decisionWeightOf(term) * credit;
    const share = total > 0 ? weightOf(term) / total : 0;
    return { word: term.word, matched: expansion?.form ?? null, kind: expansion?.kind ?? null, credit, share };
  });
  return { coverage: total > 0 ? covered / total : 0, decisive: decisionTotal > 0 ? decided / decisionTotal : 0, matches };
}

/** Exact stems, and longer words for long stems ("kuwait" is in a passage that says "kuwaiti"). */
function containsStem(stems: Set<string>): (stem: string, prefix: boolean) => boolean {
  return (stem, prefix) => {
    if (stems.has(stem)) return true;
    return prefix && stem.length >= PREFIX_MIN_LENGTH && startsAny(stems, stem);
  };
}

/** Whether some stem is a longer word beginning with `prefix`; one pass, no copy of a corpus-sized vocabulary. */
function startsAny(stems: Iterable<string>, prefix: string): boolean {
  for (const s of stems) if (s.startsWith(prefix)) return true;
  return false;
}
