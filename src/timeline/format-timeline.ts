import path from 'node:path';
import { asOfFact, NOT_IN_CORPUS, readableDate, webAddress } from '../answer/format-text.js';
import { keepStart, shortTitle } from '../text/cut.js';
import type { Timeline } from './timeline.js';

/**
 * Lines per page in Discord: eight lines of up to ~330 characters stay well inside an embed's 4,096 and read
 * without scrolling far. The command line prints every line at once.
 */
export const TIMELINE_PAGE_SIZE = 8;
/** What happened, in a sentence: long ones are cut at a word boundary (the file or link has the rest). */
export const SENTENCE_MAX_CHARS = 200;
/** The topic is echoed in the closing line, never at length. */
const ECHO_MAX_CHARS = 100;

/** One article on a timeline, as a reader sees it. */
export interface TimelineLine {
  /** "4 Nov 2024", or "undated". */
  date: string;
  title: string;
  sentence: string;
  /** The article's link when it has an http(s) one, else its file name. */
  where: string;
  isLink: boolean;
}

/** One layout for every front end: the command line prints it, the bot sends it page by page. */
export interface TimelineLayout {
  answered: boolean;
  heading: string;
  lines: TimelineLine[];
  /** 1-based; the command line's single page is page 1 of 1. */
  page: number;
  pages: number;
  /** Short facts for the closing line: the topic, what was searched for, the dates, as of when. */
  closing: string[];
}

/** The whole timeline (no page given) or one page of it; a page past the end shows the last one. */
export function layoutTimeline(timeline: Timeline, page?: number): TimelineLayout {
  const all = timeline.entries.map((e): TimelineLine => {
    const url = webAddress(e.url);
    return {
      date: readableDate(e.date),
      title: shortTitle(e.title),
      sentence: keepStart(e.sentence.replace(/\s+/g, ' ').trim(), SENTENCE_MAX_CHARS),
      where: url ?? path.posix.basename(e.source),
      isLink: url !== null,
    };
  });
  const pages = page === undefined ? 1 : Math.max(1, Math.ceil(all.length / TIMELINE_PAGE_SIZE));
  const current = page === undefined ? 1 : Math.min(Math.max(1, page), pages);
  const lines = page === undefined ? all : all.slice((current - 1) * TIMELINE_PAGE_SIZE, current * TIMELINE_PAGE_SIZE);
  const count = `${all.length} article${all.length === 1 ? '' : 's'}`;
  return {
    answered: timeline.answered,
    heading: timeline.answered ? `Timeline: ${keepStart(timeline.subject || timeline.topic, ECHO_MAX_CHARS)} (${count})` : NOT_IN_CORPUS,
    lines,
    page: current,
    pages,
    closing: closingFacts(timeline),
  };
}

/** "4 Nov 2024 — **Title** — what happened — 000_x.txt"; `escape` quotes article text for Discord's Markdown. */
export function timelineLineText(line: TimelineLine, escape: (text: string) => string = (t) => t): string {
  // A link is left as written: escaped, it would no longer be one.
  const where = line.isLink ? line.where : escape(line.where);
  return `${line.date} — **${escape(line.title)}** — ${escape(line.sentence)} — ${where}`;
}

export function timelineClosing(layout: Pick<TimelineLayout, 'closing' | 'page' | 'pages'>): string {
  return [...layout.closing, ...(layout.pages > 1 ? [`page ${layout.page} of ${layout.pages}`] : [])].join(' · ');
}

/** The readable timeline `npm run timeline` prints: every line, oldest first, undated last. */
export function formatTimelineText(timeline: Timeline): string {
  const layout = layoutTimeline(timeline);
  return [layout.heading, '', ...layout.lines.map((l) => timelineLineText(l)), ...(layout.lines.length ? [''] : []), timelineClosing(layout)].join('\n');
}

function closingFacts(timeline: Timeline): string[] {
  const facts = [`topic: ${keepStart(timeline.topic, ECHO_MAX_CHARS)}`];
  if (timeline.searchedFor) facts.push(`searched for: ${keepStart(timeline.searchedFor, ECHO_MAX_CHARS)}`);
  const { range } = timeline;
  if (range?.from && range.to) facts.push(`${readableDate(range.from)} to ${readableDate(range.to)}`);
  else if (range?.from) facts.push(`from ${readableDate(range.from)}`);
  else if (range?.to) facts.push(`until ${readableDate(range.to)}`);
  facts.push(asOfFact(timeline.asOf));
  return facts;
}
