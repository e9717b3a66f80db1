import MiniSearch, { type AsPlainObject, type Options, type SearchOptions } from 'minisearch';
import { stemmer } from 'stemmer';
import { eng as englishStopWords } from 'stopword';
import type { Chunk } from '../chunk/chunker.js';
import { FUNCTION_WORDS } from './function-words.js';
import { IRREGULAR_BASE } from './irregular-forms.js';
import { parseArrayByLine, stringifyArrayByLine } from '../index/sliced-io.js';

const POSSESSIVE = /[’']s$/;
const STOP_WORDS = new Set<string>([...englishStopWords, ...FUNCTION_WORDS]);
/**
 * A verb is a stop word in all its forms when its base or one of its irregular forms is: the list has "said", so
 * "say", "says" and "saying" go too (otherwise "What did Lavrov say?" hinged on a word that the articles' "said"
 * never matched), and it has "take", so "took" goes too.
 */
const STOP_STEMS = new Set(
  [...IRREGULAR_BASE].filter(([form, base]) => STOP_WORDS.has(form) || STOP_WORDS.has(base)).map(([, base]) => stemmer(base)),
);
/** Stems this long also match longer words that start with them ("kuwait" finds "kuwaiti"); shorter ones would over-match. */
export const PREFIX_MIN_LENGTH = 6;

interface KeywordDocument {
  id: number;
  text: string;
  title: string;
}

// Porter stemming is a cascade of regexes and ran for every word of every passage at build time and of every
// highlighted sentence at question time. A corpus has a bounded vocabulary, so each word is stemmed once.
const TERM_CACHE_LIMIT = 200_000;
const termCache = new Map<string, string | null>();

/**
 * One term as the keyword index sees it: lower-cased, Porter-stemmed ("destroyed" → "destroi"), and null for stop
 * words, which carry no evidence and dominated BM25 time (every passage contains "the").
 */
export function keywordTerm(term: string): string | null {
  let result = termCache.get(term);
  if (result === undefined) {
    const t = term.toLowerCase().replace(POSSESSIVE, '');
    const stem = stemmer(IRREGULAR_BASE.get(t) ?? t);
    result = t.length < 2 || STOP_WORDS.has(t) || STOP_STEMS.has(stem) ? null : stem;
    if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
    termCache.set(term, result);
  }
  return result;
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

/**
 * The index as text: MiniSearch's plain object, split into its header (everything but the term index) followed by
 * one term per line, so that loading can parse it a line at a time (see sliced-io.ts).
 */
export function serializeKeywordIndex(index: MiniSearch): string {
  const { index: terms, ...header } = index.toJSON();
  return stringifyArrayByLine([header, ...terms]);
}

/** Loads what serializeKeywordIndex wrote, yielding to the event loop every few milliseconds. */
export async function loadKeywordIndex(bytes: Buffer): Promise<MiniSearch> {
  const [header, ...terms] = (await parseArrayByLine(bytes)) as [Omit<AsPlainObject, 'index'>, ...AsPlainObject['index']];
  return MiniSearch.loadJSAsync<KeywordDocument>({ ...header, index: terms }, OPTIONS);
}

export interface KeywordHit {
  chunk: number;
  score: number;
  /** Stems of the question that this passage contains. */
  stems: readonly string[];
}

/**
 * Every passage containing at least one question term, best BM25 score first. `boost` weighs each stem; when
 * `prefixed` is given, only those stems also match as prefixes (expansions are whole words).
 */
export function searchKeywords(index: MiniSearch, question: string, boost?: (stem: string) => number, prefixed?: ReadonlySet<string>): KeywordHit[] {
  const options: SearchOptions = { ...SEARCH };
  if (boost) options.boostTerm = (term: string) => boost(term);
  if (prefixed) options.prefix = (term: string) => term.length >= PREFIX_MIN_LENGTH && prefixed.has(term);
  return index.search(question, options).map((r) => ({ chunk: r.id as number, score: r.score, stems: r.queryTerms }));
}

export interface QuestionTerm {
  word: string;
  stem: string;
}

/** MiniSearch's own tokenizer rule, so question terms are exactly the terms the index was searched with. */
export const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;

/** The stems of a text's content words; what highlighting needs, without questionTerms' per-word objects. */
export function termStems(text: string): Set<string> {
  const stems = new Set<string>();
  for (const word of text.split(SPACE_OR_PUNCTUATION)) {
    const stem = keywordTerm(word);
    if (stem) stems.add(stem);
  }
  return stems;
}

/** The question's content words, one per stem, in order of appearance. */
export function questionTerms(text: string): QuestionTerm[] {
  const seen = new Set<string>();
  const terms: QuestionTerm[] = [];
  for (const word of text.split(SPACE_OR_PUNCTUATION)) {
    const stem = keywordTerm(word);
    if (stem && !seen.has(stem)) {
      seen.add(stem);
      terms.push({ word: word.toLowerCase().replace(POSSESSIVE, ''), stem });
    }
  }
  return terms;
}
