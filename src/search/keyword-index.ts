import MiniSearch, { type Options } from 'minisearch';
import { eng as englishStopWords } from 'stopword';
import type { Chunk } from '../chunk/chunker.js';

const STOP_WORDS = new Set<string>(englishStopWords);

interface KeywordDocument {
  id: number;
  text: string;
  title: string;
}

/**
 * Stop words are dropped at index and query time: they carry no evidence, and scoring them dominated BM25
 * time (every passage contains "the").
 */
export function keywordTerm(term: string): string | null {
  const t = term.toLowerCase().replace(/[’']s$/, '');
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
}

// MiniSearch needs the same options when an index is rebuilt from JSON.
const OPTIONS: Options<KeywordDocument> = {
  fields: ['text', 'title'],
  processTerm: keywordTerm,
  searchOptions: { boost: { text: 1, title: 0.5 } },
};

export function buildKeywordIndex(chunks: readonly Chunk[], titleOf: (file: string) => string): MiniSearch {
  const index = new MiniSearch<KeywordDocument>(OPTIONS);
  index.addAll(chunks.map((c, id) => ({ id, text: c.text, title: titleOf(c.file) })));
  return index;
}

export function loadKeywordIndex(json: string): MiniSearch {
  return MiniSearch.loadJSON<KeywordDocument>(json, OPTIONS);
}

/** Terms of a question as the keyword index sees them. */
export function keywordTerms(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [])
    .map(keywordTerm)
    .filter((t): t is string => t !== null);
}
