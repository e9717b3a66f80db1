import { eng as englishStopWords } from 'stopword';

/** Shortening text for people to read: at word boundaries, with an ellipsis saying that something was left out. */

const ELLIPSIS = '…';
/** Words a cut must not end on: "…the ongoing conflict in the…" says less than "…the ongoing conflict…". */
const FUNCTION_WORDS = new Set<string>(englishStopWords);

/**
 * The start of `text` in at most `max` characters: whole words, the last one carrying meaning, then "…". A single
 * word longer than `max` is cut inside, but never between the two halves of a surrogate pair (an emoji alone is one
 * character to a reader).
 */
export function keepStart(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const room = text.slice(0, max - 1);
  const lastBreak = room.search(/\s\S*$/);
  if (lastBreak <= 0) return `${withoutLoneHighSurrogate(room)}${ELLIPSIS}`;
  // The word the cut went through is dropped, then any function words it leaves at the end.
  const words = room.slice(0, lastBreak).trim().split(/\s+/);
  while (words.length > 1 && FUNCTION_WORDS.has(words[words.length - 1].toLowerCase())) words.pop();
  return `${words.join(' ').replace(/[,;:–—-]+$/, '')}${ELLIPSIS}`;
}

/** The end of `text` in at most `max` characters: "…", then whole words. */
export function keepEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const room = text.slice(text.length - (max - 1));
  const space = room.search(/\s/);
  const kept = space >= 0 && space < room.length - 1 ? room.slice(space + 1) : withoutLoneLowSurrogate(room);
  return `${ELLIPSIS}${kept.replace(/^[\s,;:–—-]+/, '')}`;
}

/** A title is read at a glance: one or two lines of a Discord embed. */
export const TITLE_MAX_CHARS = 80;
/** A clause shorter than this ("In his remarks") says too little to stand for the article. */
const TITLE_MIN_CLAUSE_CHARS = 40;
/** The last clause boundary that fits: a comma, semicolon, colon or dash followed by a space. */
const CLAUSE_END = /[,;:–—](?= )(?!.*[,;:–—] )/;

/**
 * A title short enough to read at a glance: whole when it fits, else its opening clause when that is long enough to
 * say something, else its first words with an ellipsis. Articles without a headline are titled with their first
 * sentence (cut at 120 characters: search reads the title with every passage), which this shortens for readers.
 */
export function shortTitle(title: string, max = TITLE_MAX_CHARS): string {
  const text = oneLine(title);
  if (text.length <= max) return text;
  const clause = CLAUSE_END.exec(text.slice(0, max + 1));
  if (clause && clause.index >= TITLE_MIN_CLAUSE_CHARS) return text.slice(0, clause.index);
  return keepStart(text.replace(/…$/, ''), max);
}

/** Runs of white space, newlines included, as one space: a snippet or a title reads as one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function withoutLoneHighSurrogate(text: string): string {
  return /[\uD800-\uDBFF]$/.test(text) ? text.slice(0, -1) : text;
}

function withoutLoneLowSurrogate(text: string): string {
  return /^[\uDC00-\uDFFF]/.test(text) ? text.slice(1) : text;
}
