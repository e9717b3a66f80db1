import { parse as parseYaml } from 'yaml';

/** Title, date and body derived from one article's raw text. */
export interface ArticleMetadata {
  title: string;
  date: string | null;
  url: string | null;
  body: string;
  /** False when no front matter or headline named it and `title` is the first sentence or the file name. */
  titleFound: boolean;
}

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const MONTH = `(${MONTHS.join('|')})`;
const TITLE_MAX_CHARS = 120;

// Wire copy (e.g. MENAFN) starts with "date 2024-11-04 (MENAFN) " glued to the first sentence.
const WIRE_DATE_PREFIX = /^\s*date\s+(\d{4}-\d{2}-\d{2})\s*(?:\([^)\n]{1,40}\)\s*)?/i;
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const DAY_MONTH_YEAR = new RegExp(`^(\\d{1,2})\\s+${MONTH}\\s+(\\d{4})$`, 'i');
const MONTH_DAY_YEAR = new RegExp(`^${MONTH}\\s+(\\d{1,2}),?\\s+(\\d{4})$`, 'i');
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Photo credits under a headline are not article text.
const CREDIT_LINE = /^\s*(©|\(c\)|photo:|image:)/i;

export function deriveMetadata(raw: string, fileName: string): ArticleMetadata {
  let text = raw.replace(/^\uFEFF/, '');
  let title: string | null = null;
  let date: string | null = null;
  let url: string | null = null;

  const front = FRONT_MATTER.exec(text);
  if (front) {
    const fields = parseFrontMatter(front[1]);
    title = fields.title;
    date = fields.date;
    url = fields.url;
    text = text.slice(front[0].length);
  }

  const wire = WIRE_DATE_PREFIX.exec(text);
  if (wire) {
    date ??= normaliseDate(wire[1]);
    text = text.slice(wire[0].length);
  }

  const header = readHeaderLines(text);
  title ??= header.title;
  date ??= header.date;
  text = header.body;

  const body = text.trim();
  return { title: title ?? titleFromBody(body, fileName), date, url, body, titleFound: title !== null };
}

function parseFrontMatter(yamlText: string): { title: string | null; date: string | null; url: string | null } {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch {
    return { title: null, date: null, url: null };
  }
  const fields = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  // YAML turns an unquoted 2024-01-02 into a Date.
  const rawDate = fields.date instanceof Date ? fields.date.toISOString().slice(0, 10) : str(fields.date);
  return { title: str(fields.title), date: rawDate ? normaliseDate(rawDate) : null, url: str(fields.url) };
}

/**
 * Reads a headline block: short lines before the first paragraph — a headline (possibly repeated),
 * a dateline such as "28 December 2023", a photo credit. Stops at the first line that reads like prose.
 */
function readHeaderLines(text: string): { title: string | null; date: string | null; body: string } {
  let title: string | null = null;
  let date: string | null = null;
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    const lineEnd = end === -1 ? text.length : end;
    const line = text.slice(offset, lineEnd).trim();
    const next = end === -1 ? text.length : end + 1;
    if (line === '') {
      offset = next;
      continue;
    }
    const lineDate = normaliseDate(line);
    if (lineDate) {
      date ??= lineDate;
    } else if (CREDIT_LINE.test(line)) {
      // skip
    } else if (title === null && looksLikeHeadline(line)) {
      title = line;
    } else if (title !== null && line === title) {
      // syndicated copies repeat the headline
    } else {
      break;
    }
    offset = next;
  }
  if (title === null && date === null) return { title: null, date: null, body: text };
  return { title, date, body: text.slice(offset) };
}

function looksLikeHeadline(line: string): boolean {
  return line.length <= 200 && !/[.!?:;,]["”’']?$/.test(line) && line.split(/\s+/).length >= 3;
}

/** Accepts ISO, "28 December 2023" and "December 28, 2023"; anything else is not a date. */
export function normaliseDate(value: string): string | null {
  const v = value.trim();
  let y: number, m: number, d: number;
  let match: RegExpExecArray | null;
  if ((match = ISO_DATE.exec(v))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = DAY_MONTH_YEAR.exec(v))) {
    [y, m, d] = [Number(match[3]), MONTHS.indexOf(match[2].toLowerCase()) + 1, Number(match[1])];
  } else if ((match = MONTH_DAY_YEAR.exec(v))) {
    [y, m, d] = [Number(match[3]), MONTHS.indexOf(match[1].toLowerCase()) + 1, Number(match[2])];
  } else {
    return null;
  }
  const asDate = new Date(Date.UTC(y, m - 1, d));
  if (asDate.getUTCFullYear() !== y || asDate.getUTCMonth() !== m - 1 || asDate.getUTCDate() !== d) return null;
  return asDate.toISOString().slice(0, 10);
}

/** Without a headline, the first sentence stands in for one, shortened at a word boundary. */
function titleFromBody(body: string, fileName: string): string {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  const first = segmenter.segment(body)[Symbol.iterator]().next();
  const sentence = first.done ? '' : first.value.segment.replace(/\s+/g, ' ').trim().replace(/[.!?]$/, '');
  if (!sentence) return fileName;
  if (sentence.length <= TITLE_MAX_CHARS) return sentence;
  const cut = sentence.slice(0, TITLE_MAX_CHARS);
  return `${cut.slice(0, cut.lastIndexOf(' ')).replace(/[,;:]$/, '')}…`;
}
