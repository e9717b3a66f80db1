import { asOfSnapshot, bestPerArticle, queryContext, type AnswerModels, type AsOf } from '../answer/answer.js';
import { bestSentence } from '../answer/highlight.js';
import { QuestionError } from '../answer/question.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { analyseQuestion, type QueryAnalysis } from '../search/query.js';
import { carriesEvidence, judge, type Verdict } from '../search/relevance.js';
import { retrieve } from '../search/retrieve.js';
import { readTimeIntent, type DateRange } from '../search/time.js';

/**
 * A topic names a story in a few words ("hezbollah since 2024"), and a page button carries it in its custom id,
 * which Discord caps at 100 characters (see the bot's timeline command).
 */
export const MAX_TOPIC_CHARS = 60;
/**
 * Passages each retriever (vector, keyword) contributes. An answer needs the best few; a timeline wants every
 * article on the topic, so it looks ten times as deep as `ask` (30). Articles whose passages rank below this are
 * not listed: on the 505-article Brown benchmark no topic has that many articles.
 */
export const TIMELINE_POOL = 300;

export interface TimelineEntry {
  /** YYYY-MM-DD, or null: undated articles come last. */
  date: string | null;
  title: string;
  source: string;
  url: string | null;
  /** The sentence of the article's best passage that best states what happened, as in the article. */
  sentence: string;
}

/** What `timeline` prints and the bot shows, one shape for every front end. */
export interface Timeline {
  topic: string;
  answered: boolean;
  /** Dated articles oldest first, then undated ones. */
  entries: TimelineEntry[];
  /** The words searched for when they differ from the topic typed (date words taken out, misspellings read). */
  searchedFor: string | null;
  /** The topic without its date words: with `range`, all it takes to build the same timeline again (page buttons). */
  subject: string;
  /** The dates the articles were restricted to (from the topic and the from/to options), or null. */
  range: DateRange | null;
  asOf: AsOf;
  verdict: Verdict;
  model: string;
  /** Time to build it, excluding start-up and model load. */
  ms: number;
}

export interface TimelineOptions {
  /** Only articles dated in this range (undated ones may still be listed, last), besides any date in the topic. */
  range?: DateRange | null;
  /** Reference time for relative dates in the topic ("last week"). */
  now?: Date;
}

/**
 * The articles about a topic in date order. Relevance is decided exactly as for `ask` (answer.ts): the topic is
 * analysed as a question, passages must carry half of its weight, and `judge` decides whether the corpus covers
 * it at all, so a topic `ask` would refuse gets the same "not in the articles" answer here.
 */
export async function buildTimeline(snapshot: IndexSnapshot, models: AnswerModels, topic: string, options: TimelineOptions = {}): Promise<Timeline> {
  const started = performance.now();
  const analysed = analyseQuestion(topic, queryContext(snapshot, models, options.now));
  // The subject, not the topic, is embedded: date words say nothing about content, and a page button rebuilds the
  // timeline from the subject and the range alone, so it must find the same passages.
  const [topicVector] = await models.embedder.embed([analysed.time.topic]);
  const range = intersect(analysed.time.range, options.range ?? null);
  const query: QueryAnalysis = { ...analysed, time: { ...analysed.time, range } };
  const retrieval = retrieve(snapshot, query, topicVector, { pool: TIMELINE_POOL });
  const cited = bestPerArticle(snapshot, retrieval.candidates.filter(carriesEvidence));
  const verdict = judge(query, retrieval, cited);
  const entries = verdict === 'answered' ? cited.map((c) => entryOf(snapshot, query, c.chunk)).sort(byDate) : [];
  return {
    topic,
    answered: entries.length > 0,
    entries,
    searchedFor: query.searchedFor,
    subject: query.time.topic,
    range,
    asOf: asOfSnapshot(snapshot),
    verdict,
    model: snapshot.manifest.model,
    ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

function entryOf(snapshot: IndexSnapshot, query: QueryAnalysis, chunk: number): TimelineEntry {
  const doc = snapshot.manifest.documents[snapshot.chunks.fileOf(chunk)!];
  return { date: doc.date, title: doc.title, source: doc.source, url: doc.url, sentence: bestSentence(snapshot, chunk, query) };
}

/** Oldest first; undated last, in file order so that the order never depends on ranking. ISO dates sort as text. */
function byDate(a: TimelineEntry, b: TimelineEntry): number {
  return Number(a.date === null) - Number(b.date === null) || (a.date ?? '').localeCompare(b.date ?? '') || a.source.localeCompare(b.source);
}

/** Both restrictions apply: "hezbollah in 2024" with from 2024-06-01 means June to December 2024. */
function intersect(a: DateRange | null, b: DateRange | null): DateRange | null {
  if (!a || !b) return a ?? b;
  const later = (x: string | null, y: string | null) => (x === null ? y : y === null ? x : x > y ? x : y);
  const earlier = (x: string | null, y: string | null) => (x === null ? y : y === null ? x : x < y ? x : y);
  return { from: later(a.from, b.from), to: earlier(a.to, b.to) };
}

/** Trims and checks a topic; throws QuestionError (shown to the user as is) for an empty or over-long one. */
export function validateTopic(raw: string): string {
  const topic = raw.replace(/\s+/g, ' ').trim();
  if (!topic) throw new QuestionError('The topic is empty: name a story, a person or a place.');
  if (topic.length > MAX_TOPIC_CHARS) throw new QuestionError(`The topic is ${topic.length} characters long; name it in at most ${MAX_TOPIC_CHARS}.`);
  return topic;
}

/**
 * The from/to options: a date as people write it ("2024-03-01", "March 2024", "2023"), read by the same parser as
 * dates in questions. `from` takes the start of what it names and `to` its end ("to 2023" includes December).
 */
export function dateRangeFromOptions(from: string | null | undefined, to: string | null | undefined, now: Date = new Date()): DateRange | null {
  if (!from && !to) return null;
  const range = { from: from ? dateOption(from, 'from', now).from : null, to: to ? dateOption(to, 'to', now).to : null };
  if (range.from && range.to && range.from > range.to) throw new QuestionError(`"from" (${range.from}) is after "to" (${range.to}).`);
  return range;
}

function dateOption(value: string, name: 'from' | 'to', now: Date): DateRange {
  // A bare year is read by the question parser only after a preposition ("in 2023"), so give it one.
  const text = /^\s*(?:19|20)\d{2}\s*$/.test(value) ? `in ${value.trim()}` : value;
  const range = readTimeIntent(text, now).range;
  if (!range?.from || !range.to) throw new QuestionError(`"${name}" must be a date, such as 2024-03-01, March 2024 or 2024.`);
  return range;
}
