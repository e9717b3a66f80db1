import { readWordsByFrequency } from '../embed/offline-model.js';

/**
 * Words this common (English's basic vocabulary: "say", "today", "price") tell little about what a question is
 * about; each tenfold rarer word beyond them tells ln 10 more.
 */
const BASIC_VOCABULARY = 1000;

/**
 * How much a word says about a topic, measured against general English rather than against our corpus: a corpus
 * of five articles on one story cannot tell that "Lavrov" is rarer than "said". Under Zipf's law a word's
 * self-information grows with the log of its frequency rank r; information(w) = ln(1 + r / 1000) keeps that
 * growth for rare words and shrinks the words of basic vocabulary towards zero, so "What is the price of Bitcoin
 * today?" is mostly about "bitcoin". A word absent from the list counts as rarer than any listed one.
 */
export class Lexicon {
  private constructor(private readonly ranks: Map<string, number>) {}

  static fromWords(wordsByFrequency: readonly string[]): Lexicon {
    const ranks = new Map<string, number>();
    wordsByFrequency.forEach((word, i) => {
      if (!ranks.has(word)) ranks.set(word, i + 1);
    });
    return new Lexicon(ranks);
  }

  /** The GloVe / wink word list that ships with the offline model's source package; ~0.1 s. */
  static async load(): Promise<Lexicon> {
    return Lexicon.fromWords(await readWordsByFrequency());
  }

  /** Frequency rank in general English (1 = most frequent), null for a word the list does not have. */
  rank(word: string): number | null {
    return this.ranks.get(word.toLowerCase()) ?? null;
  }

  information(word: string): number {
    const rank = this.ranks.get(word.toLowerCase()) ?? this.ranks.size + 1;
    return Math.log(1 + rank / BASIC_VOCABULARY);
  }
}
