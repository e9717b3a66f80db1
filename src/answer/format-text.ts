import path from 'node:path';
import type { Answer, AsOf, Citation } from './answer.js';
import { keepStart, shortTitle } from '../text/cut.js';
import { DEFAULT_SNIPPET_CHARS, snippetOf, type Snippet } from './snippet.js';

export const NOT_IN_CORPUS = 'Nothing in the articles answers this question.';
/** When the question names a time no article is dated in: the closing line's "as of" says how far they go. */
export const NO_ARTICLE_IN_TIME = 'No article is dated in the time you asked about.';

/** What an unanswered question is told, by why it was not answered. */
export function notAnsweredText(answer: Pick<Answer, 'verdict'>): string {
  return answer.verdict === 'no-article-in-time' ? NO_ARTICLE_IN_TIME : NOT_IN_CORPUS;
}

/**
 * About what a desktop Discord window shows without scrolling, and what a reader takes in at a glance: an answer
 * longer than this reads as a wall of text.
 */
export const READING_BUDGET_CHARS = 1200;
/** Snippets shrink no further than a typical news sentence (the seeds' median is about 175 characters). */
const MIN_SNIPPET_CHARS = 140;
const SNIPPET_STEP_CHARS = 20;
export const ALSO_REPORTED_IN = 'also reported in';
/** Other reports of a story are named, not presented: a shorter title than a card's. */
const OTHER_TITLE_CHARS = 60;
/** The question and the searched words are echoed in the closing line, never at length. */
const ECHO_MAX_CHARS = 100;

export interface LayoutOptions {
  /**
   * Echo the question in the closing line: for /ask and the command line, where nothing else shows it (Discord
   * shows "used /ask" above the reply, not the question). A mention reply has the question in its reply preview.
   */
  showQuestion?: boolean;
  /** Characters of text the whole answer aims to stay within (see READING_BUDGET_CHARS). */
  readingBudget?: number;
}

/** One quoted answering sentence at the top of an answer. */
export interface Quote {
  n: number;
  text: string;
}

/** What a reader is shown of one citation. */
export interface Card {
  n: number;
  /** The article's title, at most 80 characters (see shortTitle). */
  title: string;
  /** The article's http(s) address, or null. */
  url: string | null;
  /** "4 Nov 2024", or "undated". */
  date: string;
  /** The article's file name, without its folder. */
  file: string;
  snippet: Snippet;
  /** "Title (12 Nov 2023); …": the other reports of this story, or null when it has none. */
  alsoReportedIn: string | null;
}

/**
 * One layout for every front end: the answering sentences quoted first, then one card per citation, then a closing
 * line saying what was asked and searched and how fresh the articles are. The command line prints it as text and
 * the bot sends it as a Discord message; both show the same quotes, snippets and numbers.
 */
export interface AnswerLayout {
  answered: boolean;
  /** For an unanswered question, what it is told (see notAnsweredText); empty when answered. */
  notAnswered: string;
  quotes: Quote[];
  cards: Card[];
  /** Short facts for the closing line, in order: what was asked, what was searched for, as of when. */
  closing: string[];
}

/**
 * Lays out an answer within the reading budget. Every citation keeps its card, and the best one its quote. What
 * gives way, in order: quotes of later citations (their sentence is in bold on their card anyway), then the
 * snippet of the quoted citation's card (the lead shows its sentence whole), then the other snippets: context
 * first, then the sentences themselves, cut at word boundaries down to MIN_SNIPPET_CHARS.
 */
export function layoutAnswer(answer: Answer, options: LayoutOptions = {}): AnswerLayout {
  const budget = options.readingBudget ?? READING_BUDGET_CHARS;
  const closing = closingFacts(answer, options.showQuestion ?? false);
  if (!answer.answered) return { answered: false, notAnswered: notAnsweredText(answer), quotes: [], cards: [], closing };

  const quotesOf = (count: number) => answer.citations.slice(0, count).map((c) => ({ n: c.n, text: c.snippet.answer }));

  let cards = answer.citations.map((c) => card(c, c.snippet));
  for (let count = answer.citations.length; count >= 1; count--) {
    const layout = { answered: true, notAnswered: '', quotes: quotesOf(count), cards, closing };
    if (layoutSize(layout) <= budget) return layout;
  }
  // Then snippets shorten, context first and at last the sentences themselves, at word boundaries: first the
  // card whose sentence the lead quotes whole, then the others.
  const quotes = quotesOf(1);
  const chars = answer.citations.map(() => DEFAULT_SNIPPET_CHARS);
  for (const group of [[0], answer.citations.slice(1).map((_, i) => i + 1)]) {
    for (let size = DEFAULT_SNIPPET_CHARS - SNIPPET_STEP_CHARS; size >= MIN_SNIPPET_CHARS; size -= SNIPPET_STEP_CHARS) {
      for (const i of group) chars[i] = size;
      cards = answer.citations.map((c, i) => card(c, snippetOf(c.excerpt, c.highlight, chars[i])));
      if (layoutSize({ answered: true, notAnswered: '', quotes, cards, closing }) <= budget) return { answered: true, notAnswered: '', quotes, cards, closing };
    }
  }
  return { answered: true, notAnswered: '', quotes, cards, closing };
}

/** Characters a reader sees, markup aside: what the reading budget counts. */
export function layoutSize(layout: AnswerLayout): number {
  const quotes = layout.quotes.reduce((n, q) => n + q.text.length + marker(q.n).length + 1, 0);
  const cards = layout.cards.reduce(
    (n, c) => n + cardHeading(c).length + cardSource(c).length + snippetText(c.snippet).length + (c.alsoReportedIn ? ALSO_REPORTED_IN.length + c.alsoReportedIn.length : 0),
    0,
  );
  return quotes + cards + closingLine(layout).length + layout.notAnswered.length;
}

export function marker(n: number): string {
  return `[${n}]`;
}

/** "[1] Title": the card's heading, numbered as its quote is. */
export function cardHeading(card: Pick<Card, 'n' | 'title'>): string {
  return `${marker(card.n)} ${card.title}`;
}

/** "4 Nov 2024 · 000_x.txt": where a card's text comes from. */
export function cardSource(card: Pick<Card, 'date' | 'file'>): string {
  return `${card.date} · ${card.file}`;
}

export function snippetText(snippet: Snippet): string {
  return `${snippet.before}${snippet.answer}${snippet.after}`;
}

/** The snippet with its answering sentence in bold (Markdown, which Discord renders and a terminal reads fine). */
export function markSnippet(snippet: Snippet, escape: (text: string) => string = (t) => t): string {
  const answer = snippet.answer ? `**${escape(snippet.answer)}**` : '';
  return `${escape(snippet.before)}${answer}${escape(snippet.after)}`;
}

export function closingLine(layout: Pick<AnswerLayout, 'closing'>): string {
  return layout.closing.join(' · ');
}

/** "4 Nov 2024": day, short month and year read the same everywhere, unlike 11/04/2024. */
export function readableDate(isoDate: string | null): string {
  if (!isoDate) return 'undated';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

/** The readable answer `ask` prints: the same layout as the bot's message, as plain text. */
export function formatAnswerText(answer: Answer, options: LayoutOptions = { showQuestion: true }): string {
  const layout = layoutAnswer(answer, options);
  const lines: string[] = [];
  if (!layout.answered) lines.push(layout.notAnswered, '');
  for (const q of layout.quotes) lines.push(`> ${q.text} ${marker(q.n)}`);
  if (layout.quotes.length) lines.push('');
  for (const c of layout.cards) {
    lines.push(`${cardHeading(c)} — ${cardSource(c)}`);
    if (c.url) lines.push(`    ${c.url}`);
    lines.push(`    ${markSnippet(c.snippet)}`);
    if (c.alsoReportedIn) lines.push(`    ${ALSO_REPORTED_IN}: ${c.alsoReportedIn}`);
    lines.push('');
  }
  lines.push(closingLine(layout));
  return lines.join('\n');
}

function card(citation: Citation, snippet: Snippet): Card {
  return {
    n: citation.n,
    title: shortTitle(citation.title),
    url: webAddress(citation.url),
    date: readableDate(citation.date),
    file: path.posix.basename(citation.source),
    snippet,
    alsoReportedIn:
      [...(citation.alsoReportedIn ?? []).map((r) => `${shortTitle(r.title, OTHER_TITLE_CHARS)} (${readableDate(r.date)})`), ...(citation.moreReports ? [`${citation.moreReports} more`] : [])].join('; ') || null,
  };
}

/** Only an http(s) address is a link a reader can open (and the only kind Discord accepts as an embed's url). */
export function webAddress(url: string | null): string | null {
  if (!url || !URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}

function closingFacts(answer: Answer, showQuestion: boolean): string[] {
  const facts: string[] = [];
  if (showQuestion) facts.push(`asked: ${keepStart(answer.question, ECHO_MAX_CHARS)}`);
  if (answer.searchedFor) facts.push(`searched for: ${keepStart(answer.searchedFor, ECHO_MAX_CHARS)}`);
  facts.push(asOfFact(answer.asOf));
  return facts;
}

/** "as of 4 Nov 2024, 5 articles": how fresh the articles are, said by every answer and timeline. */
export function asOfFact({ date, articles }: AsOf): string {
  const count = `${articles} article${articles === 1 ? '' : 's'}`;
  return date ? `as of ${readableDate(date)}, ${count}` : count;
}
