import { questionTerms } from './keyword-index.js';
import type { Lexicon } from './lexicon.js';

export interface WeightedTerm {
  word: string;
  stem: string;
  /** Self-information of the word in general English (see Lexicon): rare words say more. */
  information: number;
}

/** A question reduced to its content words, each weighted by how much it says. */
export interface QueryAnalysis {
  terms: WeightedTerm[];
  totalInformation: number;
}

export function analyseQuestion(question: string, lexicon: Lexicon): QueryAnalysis {
  const terms = questionTerms(question).map((t) => ({ ...t, information: lexicon.information(t.word) }));
  return { terms, totalInformation: terms.reduce((sum, t) => sum + t.information, 0) };
}

/** Share of the question's information carried by the given stems (0 when the question has no content word). */
export function informationShare(query: QueryAnalysis, stems: Iterable<string>): number {
  if (query.totalInformation === 0) return 0;
  const present = new Set(stems);
  const covered = query.terms.filter((t) => present.has(t.stem)).reduce((sum, t) => sum + t.information, 0);
  return covered / query.totalInformation;
}
