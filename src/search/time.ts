import * as chrono from 'chrono-node';

/** Inclusive range of ISO dates (YYYY-MM-DD); either end may be open. */
export interface DateRange {
  from: string | null;
  to: string | null;
}

export interface TimeIntent {
  /** Articles dated inside this range answer; null when the question names no time. */
  range: DateRange | null;
  /** "latest", "most recent", "newest": the newest articles that answer come first. */
  newestFirst: boolean;
  /** The words of the question that expressed the time, as typed ("November 2023", "latest"). */
  phrases: string[];
  /** The question with those words taken out: what it is about. */
  topic: string;
}

/**
 * Words asking for the newest reports. They say when, not what: left in the topic they would be read as content
 * words that no article uses ("latest" is not what an article about the latest remarks says). "What's new" and
 * "anything new on Hezbollah" are chat's way of asking for the latest; "new" alone stays a word ("new talks").
 */
const NEWEST = /\b(?:the\s+)?(?:latest|newest|most\s+recent|recent(?:ly)?|lately)\b|\b(?:what[’']?s|anything|something)\s+new\b|\b(?:right\s+)?now\b|\b(?:currently|nowadays|at\s+(?:the\s+moment|present)|these\s+days)\b/giu;
/**
 * "Now", "right now": chrono reads them as this instant, and a question asked of an archive was then filtered to
 * today's articles, so "lavrov stop the gaza operation now" was "no article from that time". People who say "now"
 * in chat ask how things stand, which the newest reports tell: it is read as "latest" (above). "Today" names a day
 * and stays one.
 */
const CHRONO_NOW = /^(?:right\s+)?now$/iu;
/**
 * A year on its own ("in 2023", "news from 2024"), which chrono does not read. Only after a preposition or at the
 * end: a year before a noun names a thing ("the 1967 borders"), not when the question is about.
 */
const YEAR = /\b(in|during|from|of|since|after|before|until)\s+(?:(?:mid|early|late)[\s-]*)?((?:19|20)\d{2})\b|\b((?:19|20)\d{2})\s*[?.!]*\s*$/giu;
/**
 * Words that only attach a date to the question ("in November", "last December", "comments from December 2023");
 * they go with the date. "From" alone says when something was said or written, as in "news from 2023" (read the
 * same way for a year, below); with an end ("from March to May") chrono reads the range itself. "Mid", "early",
 * "late", "the end of" narrow the date within the month or year, and go with it too: left in the topic, "mid" was
 * read as "middle", a thing the article had to name. The whole month or year is searched, as articles are dated by
 * day and a reporter's "mid-November" is not a fixed span.
 */
const LEAD_IN = /(?:\b(?:in|on|during|of|from|last|this)\s+)?(?:\b(?:mid|early|late)[\s-]*|\b(?:the\s+)?(?:start|beginning|middle|end)\s+of\s+)?$/iu;
/**
 * A year anywhere else ("lavrov 2024 hezbollah exchanges", as keyword questions are typed) is a time too, unless
 * "the" makes it a modifier ("the 2024 election") or the articles write it beside the next word of the question
 * ("1967 borders"): then it names a thing, and `yearNamesThing` (the corpus's own word pairs) says so.
 */
const BARE_YEAR = /(?<![\p{L}\p{N}-])(?<!\bthe\s+)((?:19|20)\d{2})(?![\p{L}\p{N}-])(?:\s+([\p{L}]+))?/giu;
/**
 * Seasons with a year ("autumn 2024", "summer of 2023"), which chrono does not read: the meteorological seasons
 * of the northern hemisphere, where the corpus's news is written. Winter is the one that begins in December of
 * the year before ("winter 2024": December 2023 to February 2024). "Fall" only with a year: alone it is a verb.
 */
const SEASON = /\b(?:(?:in|during|from|of|since)\s+)?(?:the\s+)?(spring|summer|autumn|fall|winter)\s+(?:of\s+)?((?:19|20)\d{2})\b/giu;
const SEASON_MONTHS: Record<string, [number, number]> = { spring: [3, 5], summer: [6, 8], autumn: [9, 11], fall: [9, 11], winter: [12, 2] };

/** "What year did…", "which day was…": asks "when" (rule 6 of relevance.ts); "year" is not what it is about. */
const WHEN_FRAME = /^\W*(?:what|which)\s+(?:year|date|day|month)\b/iu;

/** Words before a date that turn it into an open range. */
const SINCE = /\b(?:since|after)\s*$/iu;
const UNTIL = /\b(?:before|until|till|up\s+to)\s*$/iu;
/** Relative periods that end now ("last week", "the past month"). */
const PERIOD = /\b(?:last|past|previous|this)\s+(day|week|month|year)s?\b/iu;

/**
 * Reads the time a question asks about: a date or period in it (chrono-node, a maintained natural-language date
 * parser: "in November 2023", "last December", "since March", "yesterday", "last week") or a request for the
 * newest reports. `now` is the reference for relative expressions (injectable for tests). A month named without
 * a year means its most recent occurrence up to the newest article (`newestArticle`, YYYY-MM-DD) or now, whichever
 * is earlier: people ask about the past of the story they follow, and "in December" asked of an archive that ends
 * in November 2024 means December 2023, not a December no article can be from. "Last week" stays relative to now:
 * it names a time, and "no article from last week" is the honest answer.
 */
export function readTimeIntent(
  question: string,
  now: Date = new Date(),
  newestArticle: string | null = null,
  yearNamesThing: (year: string, nextWord: string) => boolean = () => true,
): TimeIntent {
  const monthReference = newestArticle && new Date(`${newestArticle}T23:59:59Z`) < now ? new Date(`${newestArticle}T23:59:59Z`) : now;
  const phrases: string[] = [];
  const spans: Array<[number, number]> = [];
  const ranges: DateRange[] = [];

  const results = chrono.parse(question, now);
  // "between October and December 2023": a month written without a year takes the year written beside it.
  const writtenYear = results.find((r) => r.start.isCertain('year'))?.start.get('year') ?? null;
  for (const result of results) {
    if (CHRONO_NOW.test(result.text.trim())) continue;
    const range = rangeOf(result, question, now, monthReference, writtenYear);
    if (!range) continue;
    ranges.push(range.range);
    spans.push([range.start, result.index + result.text.length]);
    phrases.push(question.slice(range.start, result.index + result.text.length).trim());
  }
  for (const m of question.matchAll(SEASON)) {
    const at = m.index ?? 0;
    if (spans.some(([s, e]) => at < e && at + m[0].length > s)) continue;
    const year = Number(m[2]);
    const [first, last] = SEASON_MONTHS[m[1].toLowerCase()];
    const fromYear = first > last ? year - 1 : year;
    ranges.push({ from: `${fromYear}-${pad(first)}-01`, to: `${year}-${pad(last)}-${pad(new Date(Date.UTC(year, last, 0)).getUTCDate())}` });
    spans.push([at, at + m[0].length]);
    phrases.push(m[0].trim());
  }
  for (const m of question.matchAll(YEAR)) {
    const at = m.index ?? 0;
    if (spans.some(([s, e]) => at < e && at + m[0].length > s)) continue;
    const year = m[2] ?? m[3];
    const preposition = (m[1] ?? '').toLowerCase();
    // "since 2024" is open-ended; "news from 2023" is that year, as people say it.
    if (preposition === 'since' || preposition === 'after') ranges.push({ from: `${year}-01-01`, to: null });
    else if (preposition === 'before') ranges.push({ from: null, to: `${Number(year) - 1}-12-31` });
    else if (preposition === 'until') ranges.push({ from: null, to: `${year}-12-31` });
    else ranges.push({ from: `${year}-01-01`, to: `${year}-12-31` });
    spans.push([at, at + m[0].length]);
    phrases.push(m[0].trim());
  }
  for (const m of question.matchAll(BARE_YEAR)) {
    const at = m.index ?? 0;
    const year = m[1];
    if (spans.some(([s, e]) => at < e && at + year.length > s)) continue;
    if (m[2] && yearNamesThing(year, m[2])) continue;
    ranges.push({ from: `${year}-01-01`, to: `${year}-12-31` });
    spans.push([at, at + year.length]);
    phrases.push(year);
  }
  const frame = WHEN_FRAME.exec(question);
  if (frame) spans.push([frame.index, frame.index + frame[0].length]);
  let newestFirst = false;
  if (ranges.length === 0) {
    for (const m of question.matchAll(NEWEST)) {
      newestFirst = true;
      spans.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
      phrases.push(m[0].trim());
    }
  }
  return { range: combine(ranges), newestFirst, phrases, topic: without(question, spans) };
}

function rangeOf(
  result: chrono.ParsedResult,
  question: string,
  now: Date,
  monthReference: Date,
  writtenYear: number | null,
): { range: DateRange; start: number } | null {
  const before = question.slice(0, result.index);
  const leadIn = LEAD_IN.exec(before)?.[0].length ?? 0;
  const text = result.text;
  const period = PERIOD.exec(text);
  if (period) {
    const from = new Date(now);
    const unit = period[1].toLowerCase();
    if (unit === 'day') from.setUTCDate(from.getUTCDate() - 1);
    else if (unit === 'week') from.setUTCDate(from.getUTCDate() - 7);
    else if (unit === 'month') from.setUTCMonth(from.getUTCMonth() - 1);
    else from.setUTCFullYear(from.getUTCFullYear() - 1);
    return { range: { from: iso(from), to: iso(now) }, start: result.index - leadIn };
  }
  const exact = spanOf(result.start, monthReference, writtenYear);
  if (!exact) return null;
  const end = result.end ? spanOf(result.end, monthReference, writtenYear) : null;
  const since = SINCE.exec(before);
  if (since) return { range: { from: exact.from, to: null }, start: result.index - since[0].length };
  const until = UNTIL.exec(before);
  if (until) return { range: { from: null, to: exact.from }, start: result.index - until[0].length };
  return { range: { from: exact.from, to: end?.to ?? exact.to }, start: result.index - leadIn };
}

/** The day, month or year a parsed date names, by which of its parts were actually written. */
function spanOf(components: chrono.ParsedComponents, now: Date, writtenYear: number | null): { from: string; to: string } | null {
  const year = components.isCertain('year') ? components.get('year') : writtenYear;
  const month = components.isCertain('month') ? components.get('month') : null;
  const day = components.isCertain('day') ? components.get('day') : null;
  if (year === null && month === null && day === null) return null;
  if (day !== null && (year !== null || month === null)) {
    const date = components.date();
    return { from: iso(date), to: iso(date) };
  }
  let y = year ?? now.getUTCFullYear();
  if (month === null) return { from: `${y}-01-01`, to: `${y}-12-31` };
  // The most recent such month (or day of it) up to the reference.
  if (year === null && (month > now.getUTCMonth() + 1 || (month === now.getUTCMonth() + 1 && day !== null && day > now.getUTCDate()))) y -= 1;
  if (day !== null) return { from: `${y}-${pad(month)}-${pad(day)}`, to: `${y}-${pad(month)}-${pad(day)}` };
  const last = new Date(Date.UTC(y, month, 0)).getUTCDate();
  return { from: `${y}-${pad(month)}-01`, to: `${y}-${pad(month)}-${pad(last)}` };
}

/** Several dates in one question ("between October and December 2023") span from the first to the last. */
function combine(ranges: DateRange[]): DateRange | null {
  if (ranges.length === 0) return null;
  if (ranges.length === 1) return ranges[0];
  const froms = ranges.map((r) => r.from).filter((d): d is string => d !== null).sort();
  const tos = ranges.map((r) => r.to).filter((d): d is string => d !== null).sort();
  return { from: froms[0] ?? null, to: tos[tos.length - 1] ?? null };
}

export function inRange(date: string | null, range: DateRange): boolean {
  if (date === null) return false;
  return (range.from === null || date >= range.from) && (range.to === null || date <= range.to);
}

function without(text: string, spans: Array<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    out += `${text.slice(at, s)} `;
    at = e;
  }
  return (out + text.slice(at)).replace(/\s+/g, ' ').trim();
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
