import type { IndexSnapshot } from '../index/snapshot.js';
import type { WordVectors } from '../lexical/word-vectors.js';
import { keywordTerm, SPACE_OR_PUNCTUATION, type QuestionTerm } from '../search/keyword-index.js';
import { readTimeIntent } from '../search/time.js';
import { answerQuestion, asOfSnapshot, type Answer, type AnswerModels, type AnswerOptions } from './answer.js';

/**
 * How a follow-up ("and Iran?", "when was that?") is read together with the question before it.
 *
 * People following up in chat leave out what has not changed. English puts what a question is about (its focus)
 * last — "What did Lavrov say about **Hezbollah**?" — and the words before it are the frame: who, did what. So:
 *
 * - A follow-up that names something new without pointing back ("and Iran?", "what about hamas") asks the same
 *   frame about the new thing: its new words take the place of the earlier question's focus ("What did Lavrov
 *   say about Iran?"). A new word of the same kind as a frame word (word vectors at cosine ≥ SAME_KIND: "Putin"
 *   for "Lavrov") takes that word's place instead ("and Putin?" → "What did Putin say about Hezbollah?").
 * - A follow-up that points back ("when was that?", "who else said so", "did he deny it?") keeps the whole earlier
 *   question and adds its own new words: "that", "it", "so" stand for the earlier focus, "he" for its subject.
 * - A follow-up that is a complete question (no lead-in like "and", nothing pointing back, two or more content
 *   words of its own) stands alone.
 * - A time in the follow-up ("and in 2023?") replaces the earlier question's time; without one, the earlier time
 *   stays.
 *
 * The earlier words are not weighted lower: the search (src/search, the relevance rule) weighs every word by what it
 * says in this corpus, and the frame words a follow-up keeps are mostly the ones every article has ("Lavrov"), which
 * weigh little already; a kept focus ("when was that?") is the whole point of the follow-up and must not.
 */
export interface FollowUpReading {
  /** What is searched: a question in words, built from the earlier one (or the follow-up itself, standing alone). */
  question: string;
  standsAlone: boolean;
  /** Earlier words that the follow-up's words took the place of, as typed (lower-cased). */
  replaced: string[];
}

/** Cosine of GloVe vectors above which two words are the same kind of thing (putin/lavrov 0.66; iran/lavrov 0.46). */
export const SAME_KIND = 0.6;

/** Openings that only attach the follow-up to what came before. */
const LEAD_IN = /^\s*(?:and|or|but|also|so|then|what\s+about|how\s+about|and\s+what\s+about|what\s+of)\b/iu;
/** Words that point back to the earlier question's focus. */
const BACK_TO_FOCUS = /\b(?:it|that|this|these|those|them|so|same|then)\b/iu;
/** Words that point back to something in the earlier question, or ask for more of the same. */
const BACK_TO_ANY = /\b(?:he|she|they|him|her|his|hers|their|theirs|else|too|also|other|others)\b/iu;
/** A complete question names at least this many content words of its own. */
const COMPLETE_QUESTION_WORDS = 2;

export interface FollowUpContext {
  vectors: WordVectors | null;
  /** For dates in either question ("in December"), as answering reads them. */
  now?: Date;
  newestArticle?: string | null;
}

export function readFollowUp(earlier: string, followUp: string, context: FollowUpContext): FollowUpReading {
  const before = readTimeIntent(earlier, context.now, context.newestArticle ?? null);
  const after = readTimeIntent(followUp, context.now, context.newestArticle ?? null);
  const earlierTerms = topicTerms(before.topic);
  const ownTerms = topicTerms(after.topic);
  // "So what about Iran?": a leading "so" or "then" attaches, it does not point back.
  const body = followUp.replace(LEAD_IN, ' ');
  const backToFocus = BACK_TO_FOCUS.test(body);
  if (!LEAD_IN.test(followUp) && !backToFocus && !BACK_TO_ANY.test(body) && ownTerms.length >= COMPLETE_QUESTION_WORDS) {
    return { question: followUp, standsAlone: true, replaced: [] };
  }

  const earlierStems = new Set(earlierTerms.map((t) => t.stem));
  const newTerms = ownTerms.filter((t) => !earlierStems.has(t.stem));
  // A time in the follow-up is the time now asked about; otherwise the earlier one still holds.
  let text = after.phrases.length ? before.topic : earlier;
  const replaced: string[] = [];
  const focus = earlierTerms.at(-1);
  const frame = earlierTerms.slice(0, -1);

  const toFocus: QuestionTerm[] = [];
  for (const term of newTerms) {
    const kin = sameKind(term, frame, context.vectors);
    if (kin && !replaced.includes(kin.word)) {
      text = replaceLast(text, kin.word, spanOf(after.topic, [term]));
      replaced.push(kin.word);
    } else {
      toFocus.push(term);
    }
  }
  if (toFocus.length) {
    const phrase = spanOf(after.topic, toFocus);
    if (focus && !backToFocus) {
      // "a ceasefire" → "hostages": the article belonged to the word replaced.
      text = replaceLast(text, focus.word, phrase, /\b(?:an?)\s+$/iu);
      replaced.push(focus.word);
    } else {
      text = `${withoutEndPunctuation(text)} ${phrase}`;
    }
  }
  if (after.phrases.length) text = `${withoutEndPunctuation(text)} ${after.phrases.join(' ')}`;
  return { question: tidy(text), standsAlone: false, replaced };
}

/** "US", "UN", "EU": written in capitals they are names, though the stop-word list knows "us" as a pronoun. */
const ACRONYM = /^\p{Lu}{2,5}$/u;

/** The content words of a question in order, one per stem, acronyms included (the focus may be "the US"). */
function topicTerms(text: string): QuestionTerm[] {
  const seen = new Set<string>();
  const terms: QuestionTerm[] = [];
  for (const typed of text.split(SPACE_OR_PUNCTUATION)) {
    const stem = keywordTerm(typed) ?? (ACRONYM.test(typed) ? typed.toLowerCase() : null);
    if (!stem || seen.has(stem)) continue;
    seen.add(stem);
    terms.push({ word: typed.toLowerCase().replace(/['’]s$/u, ''), stem });
  }
  return terms;
}

/** The frame word a new word is the same kind of thing as, if any. */
function sameKind(term: QuestionTerm, frame: QuestionTerm[], vectors: WordVectors | null): QuestionTerm | null {
  if (!vectors) return null;
  let best: QuestionTerm | null = null;
  let bestScore = SAME_KIND;
  for (const candidate of frame) {
    const score = vectors.similarity(term.word, candidate.word) ?? 0;
    if (score >= bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** The follow-up's words from its first new word to its last, as typed ("the hostages in Gaza" → "hostages in Gaza"). */
function spanOf(text: string, terms: QuestionTerm[]): string {
  const spans = terms.map((t) => lastWord(text, t.word)).filter((m): m is { start: number; end: number } => m !== null);
  if (!spans.length) return terms.map((t) => t.word).join(' ');
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  return text.slice(start, end);
}

function replaceLast(text: string, word: string, replacement: string, dropBefore?: RegExp): string {
  const at = lastWord(text, word);
  if (!at) return `${withoutEndPunctuation(text)} ${replacement}`;
  const head = text.slice(0, at.start);
  return `${dropBefore ? head.replace(dropBefore, '') : head}${replacement}${text.slice(at.end)}`;
}

/** Where a content word (as questionTerms reports it, lower-cased, possessive dropped) last occurs in the text. */
function lastWord(text: string, word: string): { start: number; end: number } | null {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?:['’]s)?(?![\\p{L}\\p{N}])`, 'giu');
  let found: { start: number; end: number } | null = null;
  for (const m of text.matchAll(pattern)) found = { start: m.index, end: m.index + m[0].length };
  return found;
}

function withoutEndPunctuation(text: string): string {
  return text.replace(/[\s?.!]+$/u, '');
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s+([?.!,])/g, '$1').trim();
}

export interface FollowUpAnswer {
  /** The answer; `question` is the follow-up as typed, `searchedFor` what was searched when it differs. */
  answer: Answer;
  reading: FollowUpReading;
}

/**
 * Answers a follow-up to `earlier` through the same path as any question (the CLI's `--after` and the bot alike).
 * The answer says what was searched: the question built from both, or its corrected words.
 */
export async function answerFollowUp(
  snapshot: IndexSnapshot,
  models: AnswerModels,
  earlier: string,
  followUp: string,
  options: AnswerOptions = {},
): Promise<FollowUpAnswer> {
  const reading = readFollowUp(earlier, followUp, { vectors: models.vectors, now: options.now, newestArticle: asOfSnapshot(snapshot).date });
  const answer = await answerQuestion(snapshot, models, reading.question, options);
  const searchedFor = answer.searchedFor ?? (reading.standsAlone ? null : reading.question);
  return { answer: { ...answer, question: followUp, searchedFor }, reading };
}
