/** Shortening text for people to read: at word boundaries, with an ellipsis saying that something was left out. */

const ELLIPSIS = '…';

/**
 * The start of `text` in at most `max` characters: whole words, then "…". A single word longer than `max` is cut
 * inside, but never between the two halves of a surrogate pair (an emoji alone is one character to a reader).
 */
export function keepStart(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const room = text.slice(0, max - 1);
  const space = room.search(/\s\S*$/);
  const kept = space > 0 ? room.slice(0, space) : withoutLoneHighSurrogate(room);
  return `${kept.replace(/[\s,;:–—-]+$/, '')}${ELLIPSIS}`;
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
