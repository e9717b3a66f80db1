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

/** Sentence spans of `text`, trimmed of surrounding white space; empty sentences are dropped. */
export function splitSentences(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const lead = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (trimmed) spans.push({ start: index + lead, end: index + lead + trimmed.length });
  }
  return spans;
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
