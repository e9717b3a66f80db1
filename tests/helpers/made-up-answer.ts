/** Made-up answers and citations for layout tests: numbered, with a known answering sentence, optionally dated. */
import type { Answer, Citation } from '../../src/answer/answer.js';
import { snippetOf } from '../../src/answer/snippet.js';

export const ANSWER_SENTENCE = (n: number) => `Lavrov said the answer is number ${n}.`;

export function citation(n: number, overrides: Partial<Omit<Citation, 'snippet'>> = {}): Citation {
  const base = {
    n,
    source: `corpus/00${n}_abc.txt`,
    title: `Title ${n}`,
    date: n % 2 ? '2024-11-04' : null,
    url: null,
    evidence: [],
    score: 0.8 - n / 100,
    excerpt: `Before sentence ${n}. ${ANSWER_SENTENCE(n)} After sentence ${n}.`,
    highlight: ANSWER_SENTENCE(n),
    ...overrides,
  };
  return { ...base, snippet: snippetOf(base.excerpt, base.highlight) };
}

export function answer(citations: Citation[], overrides: Partial<Answer> = {}): Answer {
  return {
    question: 'What did Lavrov say?',
    answered: citations.length > 0,
    citations,
    searchedFor: null,
    asOf: { date: '2024-11-04', articles: 5 },
    verdict: citations.length > 0 ? 'answered' : 'no-passage-covers',
    words: [],
    model: 'glove-sif-100d',
    ms: 3.2,
    ...overrides,
  };
}
