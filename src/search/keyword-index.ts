import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import { stemmer } from 'stemmer';
import { eng as englishStopWords } from 'stopword';
import type { Chunk } from '../chunk/chunker.js';

const STOP_WORDS = new Set<string>(englishStopWords);
/** Stems this long also match longer words that start with them ("kuwait" finds "kuwaiti"); shorter ones would over-match. */
const PREFIX_MIN_LENGTH = 6;

interface KeywordDocument {
  id: number;
  text: string;
  title: string;
}

/**
 * One term as the keyword index sees it: lower-cased, Porter-stemmed ("destroyed" → "destroi"), and null for stop
 * words, which carry no evidence and dominated BM25 time (every passage contains "the").
 */
export function keywordTerm(term: string): string | null {
  const t = term.toLowerCase().replace(/[’']s$/, '');
  return t.length < 2 || STOP_WORDS.has(t) ? null : stemmer(t);
}

// MiniSearch needs the same options when an index is rebuilt from JSON.
const OPTIONS: Options<KeywordDocument> = {
  fields: ['text', 'title'],
  processTerm: keywordTerm,
};

const SEARCH: SearchOptions = {
  boost: { text: 1, title: 0.5 },
  prefix: (term) => term.length >= PREFIX_MIN_LENGTH,
};

export function buildKeywordIndex(chunks: readonly Chunk[], titleOf: (file: string) => string): MiniSearch {
  const index = new MiniSearch<KeywordDocument>(OPTIONS);
  index.addAll(chunks.map((c, id) => ({ id, text: c.text, title: titleOf(c.file) })));
  return index;
}

export function loadKeywordIndex(json: string): MiniSearch {
  return MiniSearch.loadJSON<KeywordDocument>(json, OPTIONS);
}

export interface KeywordHit {
  chunk: number;
  score: number;
  /** Stems of the question that this passage contains. */
  stems: readonly string[];
}

/** Every passage containing at least one question term, best BM25 score first. */
export function searchKeywords(index: MiniSearch, question: string): KeywordHit[] {
  return index.search(question, SEARCH).map((r) => ({ chunk: r.id as number, score: r.score, stems: r.queryTerms }));
}

export interface QuestionTerm {
  word: string;
  stem: string;
}

/** MiniSearch's own tokenizer rule, so question terms are exactly the terms the index was searched with. */
const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;

/** The question's content words, one per stem, in order of appearance. */
export function questionTerms(text: string): QuestionTerm[] {
  const seen = new Set<string>();
  const terms: QuestionTerm[] = [];
  for (const word of text.split(SPACE_OR_PUNCTUATION)) {
    const stem = keywordTerm(word);
    if (stem && !seen.has(stem)) {
      seen.add(stem);
      terms.push({ word: word.toLowerCase(), stem });
    }
  }
  return terms;
}
