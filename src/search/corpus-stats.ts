import { derived, derivedInSlices } from '../index/derived.js';
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
 * Computed once per immutable snapshot, in one pass over its passages (each sentence counted once although
 * passages overlap by a sentence: positions are tracked per article).
 */
export function corpusStats(snapshot: IndexSnapshot): CorpusStats {
  return derived(snapshot, KEY, () => {
    const steps = computeStats(snapshot);
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  });
}

/**
 * The same statistics, computed in slices of a few milliseconds: the index service prepares a new snapshot with
 * this before serving it, so the first question after a load or rebuild does not stall the bot for a second.
 */
export function prepareCorpusStats(snapshot: IndexSnapshot): Promise<CorpusStats> {
  return derivedInSlices(snapshot, KEY, () => computeStats(snapshot));
}

const KEY = 'corpus-stats';

/** Yields after each passage and article, so the caller decides when to give the event loop a turn. */
function* computeStats(snapshot: IndexSnapshot): Generator<void, CorpusStats> {
  const articleFrequency = new Map<string, number>();
  const wordCounts = new Map<string, number>();
  const stemWords = new Map<string, Map<string, number>>();
  const seenUpTo = new Map<string, number>();
  const stemsOfArticle = new Map<string, Set<string>>();
  for (const chunk of snapshot.chunks) {
    // Chunks of an article come in order; skip the overlap already counted with the previous chunk.
    const from = Math.max(0, (seenUpTo.get(chunk.file) ?? 0) - chunk.start);
    seenUpTo.set(chunk.file, Math.max(seenUpTo.get(chunk.file) ?? 0, chunk.end));
    let stems = stemsOfArticle.get(chunk.file);
    if (!stems) stemsOfArticle.set(chunk.file, (stems = new Set()));
    for (const raw of chunk.text.slice(from).split(SPACE_OR_PUNCTUATION)) {
      if (!raw) continue;
      const word = raw.toLowerCase();
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
      const stem = keywordTerm(raw);
      if (!stem) continue;
      stems.add(stem);
      let forms = stemWords.get(stem);
      if (!forms) stemWords.set(stem, (forms = new Map()));
      forms.set(word, (forms.get(word) ?? 0) + 1);
    }
    yield;
  }
  // Titles are searched and shown with every citation: their words are the article's words too.
  for (const [file, doc] of Object.entries(snapshot.manifest.documents)) {
    let stems = stemsOfArticle.get(file);
    if (!stems) stemsOfArticle.set(file, (stems = new Set()));
    for (const stem of termStems(doc.title)) stems.add(stem);
    yield;
  }
  for (const stems of stemsOfArticle.values()) {
    for (const s of stems) articleFrequency.set(s, (articleFrequency.get(s) ?? 0) + 1);
    yield;
  }
  const surfaceOf = new Map<string, string>();
  let n = 0;
  for (const [stem, forms] of stemWords) {
    let best = '';
    let most = 0;
    for (const [form, count] of forms) if (count > most) [best, most] = [form, count];
    surfaceOf.set(stem, best);
    if (++n % 1000 === 0) yield;
  }
  return { articles: Object.keys(snapshot.manifest.documents).length, articleFrequency, wordCounts, surfaceOf };
}
