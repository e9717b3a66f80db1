import type { Embedder } from '../embed/embedder.js';
import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { Lexicon } from '../search/lexicon.js';
import { distinctCandidates } from '../search/near-duplicates.js';
import { analyseQuestion } from '../search/query.js';
import { isRelevant } from '../search/relevance.js';
import { retrieve, type RetrievalMode } from '../search/retrieve.js';
import { tidyExcerpt } from './excerpt.js';
import { bestSentence } from './highlight.js';

export interface Citation {
  n: number;
  source: string;
  title: string;
  date: string | null;
  /** The article's web address (front matter `url`), when it has one. */
  url: string | null;
  /** Cosine similarity between question and passage, 0–1, rounded to three decimals. */
  score: number;
  /** The article's own text. */
  excerpt: string;
  /** The sentence of the excerpt that best answers the question. */
  highlight: string;
}

/** What `ask` prints and what the bot shows: one shape for every front end. */
export interface Answer {
  question: string;
  answered: boolean;
  citations: Citation[];
  /**
   * The words actually searched for, when they differ from what was typed (a misspelling read as a corpus word,
   * date words taken out of the topic); null when the question was searched as asked.
   */
  searchedFor: string | null;
  /** How fresh the articles are: the newest article date in the index and how many articles it holds. */
  asOf: AsOf;
  model: string;
  /** Retrieval time for this question (embed, search, fuse, format), excluding start-up and model load. */
  ms: number;
}

export interface AsOf {
  /** Newest article date (YYYY-MM-DD), null when no article is dated. */
  date: string | null;
  articles: number;
}

export interface AnswerOptions {
  k?: number;
  mode?: RetrievalMode;
  /** Filled with the time each stage took, for the benchmark. */
  timings?: AnswerTimings;
}

export interface AnswerTimings {
  embedMs: number;
  /** Vector and keyword search and their fusion. */
  searchMs: number;
  /** Relevance decision, near-duplicate collapse, highlighting and formatting. */
  formatMs: number;
}

export const DEFAULT_K = 3;

/** The models a question is answered with: the embedder that built the index, and the word-rarity table. */
export interface AnswerModels {
  embedder: Embedder;
  lexicon: Lexicon;
}

/** Answers an already validated question from one index snapshot. */
export async function answerQuestion(
  snapshot: IndexSnapshot,
  models: AnswerModels,
  question: string,
  options: AnswerOptions = {},
): Promise<Answer> {
  const started = performance.now();
  const k = options.k ?? DEFAULT_K;
  const [queryVector] = await models.embedder.embed([question]);
  const embedded = performance.now();
  const query = analyseQuestion(question, models.lexicon);
  const retrieval = retrieve(snapshot, query, queryVector, { mode: options.mode });
  const searched = performance.now();
  const chosen = distinctCandidates(snapshot, retrieval.candidates, k);
  const answered = isRelevant(query, { ...retrieval, candidates: chosen }, k);
  const citations = (answered ? chosen : []).map((candidate, i): Citation => {
    const chunk = snapshot.chunks[candidate.chunk];
    const doc = snapshot.manifest.documents[chunk.file];
    const excerpt = derived(snapshot, `excerpt:${candidate.chunk}`, () => tidyExcerpt(chunk.text));
    return {
      n: i + 1,
      source: doc.source,
      title: doc.title,
      date: doc.date,
      url: doc.url,
      score: Math.round(candidate.cosine * 1000) / 1000,
      excerpt,
      highlight: bestSentence(snapshot, candidate.chunk, query),
    };
  });
  const finished = performance.now();
  if (options.timings) Object.assign(options.timings, { embedMs: embedded - started, searchMs: searched - embedded, formatMs: finished - searched });
  return {
    question,
    answered,
    citations,
    searchedFor: null,
    asOf: asOfSnapshot(snapshot),
    model: snapshot.manifest.model,
    ms: round2(finished - started),
  };
}

export function asOfSnapshot(snapshot: IndexSnapshot): AsOf {
  return derived(snapshot, 'as-of', () => {
    const documents = Object.values(snapshot.manifest.documents);
    // ISO dates order as strings.
    const newest = documents.reduce<string | null>((max, d) => (d.date && (!max || d.date > max) ? d.date : max), null);
    return { date: newest, articles: documents.length };
  });
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
