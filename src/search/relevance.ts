import type { QueryAnalysis } from './query.js';
import type { Retrieval } from './retrieve.js';

/**
 * When is the corpus relevant to a question? Quoting is only honest when the passages talk about what the
 * question asks, and what a question asks is carried by its rare words (names, places, technical terms), not by
 * "what", "say" or "today". So the evidence is measured in information (see Lexicon), not in word counts:
 *
 * 1. At most a third of the question's information may lie in words the corpus never uses. "What is the price of
 *    Bitcoin today?" puts nearly half of it in "bitcoin"; a corpus without that word cannot answer, however close
 *    some passage about prices may be in vector space. Within the threshold, a question may still use a word the
 *    articles do not ("How many Palestinians have died…" – the article says "lost their lives").
 * 2. A passage we would quote must itself contain at least half of the question's information.
 *
 * Cosine is not part of the decision: averaged word vectors put every news-like text close to every other, so
 * among 12,000 passages some always lie above any threshold (measured: 0.87 for the Bitcoin question against the
 * Brown corpus, above most right answers). It ranks; it does not decide.
 */
export const MAX_UNATTESTED_SHARE = 1 / 3;
export const MIN_PASSAGE_COVERAGE = 1 / 2;

export function isRelevant(query: QueryAnalysis, retrieval: Retrieval, citations: number): boolean {
  if (query.totalInformation === 0 || retrieval.unattested > MAX_UNATTESTED_SHARE) return false;
  return retrieval.candidates.slice(0, citations).some((c) => c.coverage >= MIN_PASSAGE_COVERAGE);
}
