import { keepEnd, keepStart, oneLine } from '../text/cut.js';

/**
 * What a reader sees of a citation: the answering sentence with at most one sentence of context on each side.
 * `before + answer + after` is the snippet's text; front ends put `answer` in bold.
 */
export interface Snippet {
  /** The end of the sentence before the answer ("…" where cut), with the space that separates them; or "". */
  before: string;
  /** The answering sentence; cut at a word boundary, ending with "…", only when it alone exceeds the budget. */
  answer: string;
  /** The space after the answer and the start of the next sentence ("…" where cut); or "". */
  after: string;
}

/**
 * A few lines read at a glance; a whole passage (up to 120 words, more where passages merge) does not. Three
 * hundred characters hold a typical news sentence (about 175 characters in the seed articles) and a short one
 * either side.
 */
export const DEFAULT_SNIPPET_CHARS = 300;
/** A context fragment shorter than this is a few stray words; it is left out rather than shown cut. */
const MIN_CONTEXT_CHARS = 40;

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * The snippet of an excerpt around its highlight, in at most `budget` characters (white space runs count as one
 * space). The context sentences are those of the text before and after the highlight, so they never overlap it;
 * the budget left after the answer is shared between the two sides, a short side leaving its share to the other.
 */
export function snippetOf(excerpt: string, highlight: string, budget = DEFAULT_SNIPPET_CHARS): Snippet {
  const at = highlight ? excerpt.indexOf(highlight) : -1;
  if (at < 0) return { before: '', answer: '', after: keepStart(oneLine(excerpt), budget) };

  const answer = keepStart(oneLine(highlight), budget);
  const previous = lastSentence(excerpt.slice(0, at));
  const next = firstSentence(excerpt.slice(at + highlight.length));
  // Each context sentence takes one more character: the space between it and the answer.
  const room = budget - answer.length;
  const [beforeNeeds, afterNeeds] = [previous.length + 1, next.length + 1];
  const share = Math.floor(room / 2);
  let beforeRoom = share;
  if (beforeNeeds + afterNeeds <= room || beforeNeeds <= share) beforeRoom = beforeNeeds;
  else if (afterNeeds <= share) beforeRoom = room - afterNeeds;
  const before = fitContext(previous, beforeRoom - 1, keepEnd);
  const after = fitContext(next, room - (before ? before.length + 1 : 0) - 1, keepStart);
  return { before: before ? `${before} ` : '', answer, after: after ? ` ${after}` : '' };
}

/** The whole sentence if it fits, else its cut form if that still says something, else nothing. */
function fitContext(sentence: string, room: number, cut: (text: string, max: number) => string): string {
  if (!sentence || room <= 0) return '';
  if (sentence.length <= room) return sentence;
  return room >= MIN_CONTEXT_CHARS ? cut(sentence, room) : '';
}

function lastSentence(text: string): string {
  let last = '';
  for (const { segment } of sentences.segment(text)) if (segment.trim()) last = segment;
  return oneLine(last);
}

function firstSentence(text: string): string {
  for (const { segment } of sentences.segment(text)) if (segment.trim()) return oneLine(segment);
  return '';
}

/** A citation's highlight and the snippet around it, for the answer's citations. */
export function highlightWithSnippet(excerpt: string, highlight: string): { highlight: string; snippet: Snippet } {
  return { highlight, snippet: snippetOf(excerpt, highlight) };
}
