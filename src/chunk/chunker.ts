import type { CorpusDocument } from '../corpus/document.js';

export interface ChunkingOptions {
  /** Upper bound on words per chunk; kept well inside the embedding model's token window. */
  maxWords: number;
  /** Sentences repeated at the start of the next chunk, so an answer straddling a boundary stays whole. */
  overlapSentences: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxWords: 120, overlapSentences: 1 };

export interface Chunk {
  /** File name of the document (its key in the manifest). */
  file: string;
  /** Position of the chunk within its document, from 0. */
  ordinal: number;
  /** Character span [start, end) in the document's text. */
  start: number;
  end: number;
  text: string;
  /** Sentence spans [start, end) within `text`, kept so that answering never re-segments a passage. */
  sentences: Array<[number, number]>;
}

interface Sentence {
  start: number;
  end: number;
  words: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export function countWords(text: string): number {
  const matches = text.match(/\S+/g);
  return matches ? matches.length : 0;
}

/*
 * V8's sentence segmenter costs time proportional to the length of the whole string for every sentence it yields,
 * so one pass over a 1 MB article is quadratic (16 s). It is therefore only ever given short pieces: the text is cut
 * after each line break, which is a mandatory sentence boundary anyway (so normal articles segment exactly as in one
 * pass), and a line longer than a window is segmented window by window.
 */
export const SEGMENT_WINDOW_CHARS = 4096;

/** Sentence spans of `text`, trimmed of surrounding white space; empty sentences are dropped. */
export function splitSentences(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  const push = (start: number, segment: string) => {
    const lead = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (trimmed) spans.push({ start: start + lead, end: start + lead + trimmed.length });
  };
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    segmentLine(text, lineStart, lineEnd, push);
    lineStart = lineEnd;
  }
  return spans;
}

/**
 * Segments text[start, end) in windows of at most SEGMENT_WINDOW_CHARS. The last sentence of a window may be cut
 * off by the window's end, so it is segmented again at the start of the next window; a single sentence longer than
 * a window is cut at its last space (the chunker splits such sentences at word boundaries anyway).
 */
function segmentLine(text: string, start: number, end: number, push: (start: number, segment: string) => void): void {
  let from = start;
  while (from < end) {
    const to = Math.min(end, from + SEGMENT_WINDOW_CHARS);
    const window = text.slice(from, to);
    const segments = Array.from(segmenter.segment(window));
    if (to === end) {
      for (const { segment, index } of segments) push(from + index, segment);
      return;
    }
    if (segments.length > 1) {
      const last = segments[segments.length - 1];
      for (const { segment, index } of segments.slice(0, -1)) push(from + index, segment);
      from += last.index;
      continue;
    }
    const space = window.lastIndexOf(' ');
    let cut = space > SEGMENT_WINDOW_CHARS / 2 ? space + 1 : window.length;
    // Never between the two halves of a surrogate pair (an emoji, say).
    if (/[\uD800-\uDBFF]/.test(window[cut - 1])) cut -= 1;
    push(from, window.slice(0, cut));
    from += cut;
  }
}

/**
 * Packs whole sentences into chunks of at most `maxWords` words. A sentence longer than that is cut at word
 * boundaries rather than dropped, so every word of the article is in some chunk.
 */
export function chunkDocument(doc: Pick<CorpusDocument, 'file' | 'text'>, options: ChunkingOptions = DEFAULT_CHUNKING): Chunk[] {
  const sentences = splitSentences(doc.text).flatMap((s) => splitLongSentence(doc.text, s, options.maxWords));
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    let words = sentences[first].words;
    while (last + 1 < sentences.length && words + sentences[last + 1].words <= options.maxWords) {
      last += 1;
      words += sentences[last].words;
    }
    const start = sentences[first].start;
    const end = sentences[last].end;
    const spans = sentences.slice(first, last + 1).map((s): [number, number] => [s.start - start, s.end - start]);
    chunks.push({ file: doc.file, ordinal: chunks.length, start, end, text: doc.text.slice(start, end), sentences: spans });
    if (last + 1 >= sentences.length) break;
    // Overlap, but always move forward by at least one sentence.
    first = Math.max(first + 1, last + 1 - options.overlapSentences);
  }
  return chunks;
}

function splitLongSentence(text: string, span: { start: number; end: number }, maxWords: number): Sentence[] {
  const words = countWords(text.slice(span.start, span.end));
  if (words <= maxWords) return [{ ...span, words }];
  const pieces: Sentence[] = [];
  const wordPattern = /\S+/g;
  wordPattern.lastIndex = span.start;
  let pieceStart = -1;
  let pieceEnd = span.start;
  let count = 0;
  let match: RegExpExecArray | null;
  while ((match = wordPattern.exec(text)) && match.index < span.end) {
    if (pieceStart < 0) pieceStart = match.index;
    pieceEnd = Math.min(match.index + match[0].length, span.end);
    count += 1;
    if (count === maxWords) {
      pieces.push({ start: pieceStart, end: pieceEnd, words: count });
      pieceStart = -1;
      count = 0;
    }
  }
  if (count > 0) pieces.push({ start: pieceStart, end: pieceEnd, words: count });
  return pieces;
}

/** Positions of each document's chunks in `chunks`, in order. */
export function chunkPositionsByFile(chunks: readonly Chunk[]): Map<string, number[]> {
  const byFile = new Map<string, number[]>();
  chunks.forEach((chunk, position) => {
    const list = byFile.get(chunk.file);
    if (list) list.push(position);
    else byFile.set(chunk.file, [position]);
  });
  return byFile;
}

/**
 * What the embedder sees for a chunk: the headline gives every passage of an article its topic, which a
 * static word-vector model otherwise only sees in the first paragraph. Users are shown `chunk.text` alone.
 */
export function textToEmbed(chunk: Chunk, doc: Pick<CorpusDocument, 'title'>): string {
  return `${doc.title}\n${chunk.text}`;
}
