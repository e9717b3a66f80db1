import type { Chunk } from '../chunk/chunker.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { keywordTerm, SPACE_OR_PUNCTUATION, termStems } from './keyword-index.js';

/** What the index's own words say about a question: which words it knows, and how widely each is used. */
export interface CorpusStats {
  /** Number of articles. */
  articles: number;
  /** Stem → number of articles that contain it. */
  articleFrequency: ReadonlyMap<string, number>;
  /** Lower-cased surface word → number of times the corpus uses it (stop words included: they are words too). */
  wordCounts: ReadonlyMap<string, number>;
  /** Stem → the surface word the corpus uses most for it ("hama" → "hamas"), for telling users what was searched. */
  surfaceOf: ReadonlyMap<string, string>;
}

/**
 * The statistics are counted by the build, article by article, and stored with the generation (generation-db.ts):
 * computing them at load meant reading every passage (33 s for the keyword index and 5 s for the passages at 256k
 * passages). A snapshot carries them loaded; these two functions keep the interface answering was written against.
 */
export function corpusStats(snapshot: IndexSnapshot): CorpusStats {
  return snapshot.stats;
}

/** The statistics are ready when the snapshot is: kept so that callers that prepare a snapshot need not change. */
export function prepareCorpusStats(snapshot: IndexSnapshot): Promise<CorpusStats> {
  return Promise.resolve(snapshot.stats);
}

/**
 * Counts that add up over articles, so that a one-article change adds the new article's counts and subtracts the
 * old one's instead of recounting the corpus. `forms` (stem → surface word → uses) gives `surfaceOf`.
 */
export interface StatsCounts {
  articleFrequency: Map<string, number>;
  wordCounts: Map<string, number>;
  forms: Map<string, Map<string, number>>;
}

export function emptyCounts(): StatsCounts {
  return { articleFrequency: new Map(), wordCounts: new Map(), forms: new Map() };
}

/**
 * Adds one article's counts (`sign` -1 subtracts them), its passages given in order: each sentence is counted once
 * although passages overlap by a sentence. Its title's words count towards the article's stems, as titles are
 * searched and shown with every citation.
 */
export function countArticle(into: StatsCounts, passages: readonly Chunk[], title: string, sign: 1 | -1 = 1): void {
  const stems = new Set<string>();
  let seenUpTo = 0;
  for (const chunk of passages) {
    const from = Math.max(0, seenUpTo - chunk.start);
    seenUpTo = Math.max(seenUpTo, chunk.end);
    for (const raw of chunk.text.slice(from).split(SPACE_OR_PUNCTUATION)) {
      if (!raw) continue;
      const word = raw.toLowerCase();
      addTo(into.wordCounts, word, sign);
      const stem = keywordTerm(raw);
      if (!stem) continue;
      stems.add(stem);
      let forms = into.forms.get(stem);
      if (!forms) into.forms.set(stem, (forms = new Map()));
      addTo(forms, word, sign);
    }
  }
  for (const stem of termStems(title)) stems.add(stem);
  for (const stem of stems) addTo(into.articleFrequency, stem, sign);
}

function addTo(counts: Map<string, number>, key: string, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

/**
 * The most used form of each stem; of equally used forms the one that sorts first, so that the answer does not
 * depend on the order articles were added in (a one-article update and a full build agree).
 */
export function surfaceForms(forms: Iterable<[stem: string, word: string, count: number]>): Map<string, string> {
  const best = new Map<string, [string, number]>();
  for (const [stem, word, count] of forms) {
    const current = best.get(stem);
    if (!current || count > current[1] || (count === current[1] && word < current[0])) best.set(stem, [word, count]);
  }
  return new Map([...best].map(([stem, [word]]) => [stem, word]));
}
