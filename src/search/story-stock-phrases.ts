import { readWordsByFrequency } from '../embed/offline-model.js';

/*
 * Which word trigrams are no evidence that one article copied another? "one of the", "said in a", "the United
 * States", "at the end": every writer of English prints them, so two articles sharing them share a language, not a
 * source. Counted, they did harm twice: they made unrelated sentences look carried over (a 10-trigram sentence that
 * is half set phrases needs only one more shared trigram to reach 30 %), and they made grouping quadratic, because
 * the list of articles holding such a trigram grows with the corpus (at 30k generated passages "one of the" was in
 * 783 of 4,005 articles, and grouping walked that list once for every sentence holding it).
 *
 * A trigram is a *stock phrase* when all three of its words belong to English's basic vocabulary: the
 * STOCK_VOCABULARY most frequent words of the GloVe / wink word list the offline model is built from (Wikipedia and
 * Gigaword news; the same reference and the same size as lexicon.ts's basic vocabulary). A stock phrase takes no
 * part in the carried-over test, neither in what a sentence shares nor in what it holds.
 *
 * The reference is fixed, not counted in our corpus, on purpose: a rule such as "held by more than N articles"
 * would flip for a trigram when one article is added, so a one-article update could group differently from a full
 * build of the same corpus, and the update would have to look at every article that holds it. A fixed list cannot
 * flip. One name among common words ("Lavrov said in", "the Gaza ceasefire") keeps a trigram: that is where
 * copied wording shows.
 */
export const STOCK_VOCABULARY = 1000;

let stockWords: Promise<ReadonlySet<string>> | null = null;

/** The basic vocabulary, read once per process (~0.1 s: the word list's header). */
export function loadStockWords(): Promise<ReadonlySet<string>> {
  stockWords ??= readWordsByFrequency().then((words) => new Set(words.slice(0, STOCK_VOCABULARY).map((w) => w.toLowerCase())));
  return stockWords;
}
