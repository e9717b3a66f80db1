import { stemmer } from 'stemmer';
import { eng as englishStopWords } from 'stopword';
import { FUNCTION_WORDS } from './function-words.js';
import { IRREGULAR_BASE } from '../lexical/irregular-forms.js';
import { COUNTRY_US } from './country-us.js';

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
    // "US" in capitals is the country, not the pronoun (see country-us.ts).
    const t = (term === 'US' ? COUNTRY_US : term).toLowerCase().replace(POSSESSIVE, '');
    const stem = stemmer(IRREGULAR_BASE.get(t) ?? t);
    result = t.length < 2 || STOP_WORDS.has(t) || STOP_STEMS.has(stem) ? null : stem;
    if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
    termCache.set(term, result);
  }
  return result;
}

/**
 * The text the FTS5 keyword index stores for a passage or title: its terms as keywordTerm makes them, in order,
 * separated by spaces. Tokenising here rather than in SQLite keeps one stemmer (Porter with irregular forms and the
 * project's stop words) for indexing, questions, highlighting and coverage; FTS5 only splits on the spaces.
 */
export function keywordText(text: string): string {
  const terms: string[] = [];
  for (const word of text.split(SPACE_OR_PUNCTUATION)) {
    const term = keywordTerm(word);
    if (term) terms.push(term);
  }
  return terms.join(' ');
}

/**
 * An FTS5 tokenizer that splits keywordText back into its terms: `ascii` keeps every non-ASCII character in a token
 * and lower-cases nothing that matters (terms are lower case already); the ASCII symbols a term can hold (the
 * split removes spaces and punctuation, not symbols: "$5") are made token characters too.
 */
export const FTS_TOKENIZER = "ascii tokenchars '$+<=>^`|~'";

export interface KeywordHit {
  chunk: number;
  /** BM25, higher is better. */
  score: number;
}

/**
 * The FTS5 query for a question's words: any of their terms, a term that `prefixed` names and that is at least
 * PREFIX_MIN_LENGTH long also as a prefix ("kuwait" finds "kuwaiti"). Null when no word is a term.
 */
export function keywordQuery(question: string, prefixed?: ReadonlySet<string>): string | null {
  const phrases = new Set<string>();
  for (const word of question.split(SPACE_OR_PUNCTUATION)) {
    const term = keywordTerm(word);
    if (!term) continue;
    const prefix = term.length >= PREFIX_MIN_LENGTH && (prefixed ? prefixed.has(term) : true);
    phrases.add(`"${term.replace(/"/g, '""')}"${prefix ? '*' : ''}`);
  }
  return phrases.size ? [...phrases].join(' OR ') : null;
}

export interface QuestionTerm {
  word: string;
  stem: string;
}

/** The one tokenizer rule (MiniSearch's, which the index used first), for indexing, questions and statistics alike. */
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
