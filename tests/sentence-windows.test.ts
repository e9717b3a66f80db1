import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunkDocument, countWords, SEGMENT_WINDOW_CHARS, splitSentences } from '../src/chunk/chunker.js';

/** Intl.Segmenter over the whole text in one pass: what splitSentences did before it worked in pieces. */
function onePass(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (const { segment, index } of new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text)) {
    const lead = segment.length - segment.trimStart().length;
    if (segment.trim()) spans.push({ start: index + lead, end: index + lead + segment.trim().length });
  }
  return spans;
}

/** A deterministic mix of the things sentence segmentation trips on: abbreviations, quotes, numbers, line breaks. */
function trickyText(seed: number, pieces: number): string {
  const parts = ['U.S. officials said.', 'He left at 5 p.m. on Monday.', '"Stop!" she cried.', 'etc. the rest', 'Mr. Smith went.',
    '\n', '\r\n', '\n\n', '...', '?!', '(see above.)', 'e.g. this', 'Первое предложение.', '日本語の文。', '😀 emoji.', '\u2029', '1.5 million', '3.'];
  let state = seed;
  let text = '';
  for (let i = 0; i < pieces; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += parts[state % parts.length] + (state % 3 ? ' ' : '');
  }
  return text;
}

async function seedTexts(): Promise<string[]> {
  const files = (await readdir('corpus')).sort();
  return Promise.all(files.map((f) => readFile(path.join('corpus', f), 'utf8')));
}

afterEach(() => vi.restoreAllMocks());

describe('sentence segmentation in pieces', () => {
  it('finds exactly the sentences of a one-pass segmentation for articles whose lines fit a window', async () => {
    const texts = [...(await seedTexts()), ...Array.from({ length: 300 }, (_, i) => trickyText(i + 1, 60))];
    let compared = 0;
    for (const text of texts) {
      expect(splitSentences(text)).toEqual(onePass(text));
      compared += 1;
    }
    expect(compared).toBe(305);
  });

  it('matches a one-pass segmentation on a line several windows long', async () => {
    const line = (await seedTexts()).join(' ').replace(/\s+/g, ' ').repeat(2);
    expect(line.length).toBeGreaterThan(4 * SEGMENT_WINDOW_CHARS);
    expect(splitSentences(line)).toEqual(onePass(line));
  });

  it('never hands the segmenter more than a window, and hands it each character at most about twice', async () => {
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    const paragraphs = (await seedTexts()).join('\n');
    const text = [paragraphs.repeat(40), paragraphs.replace(/\n/g, ' ').repeat(40), 'word '.repeat(40_000)].join('\n');
    expect(text.length).toBeGreaterThan(1_000_000);
    splitSentences(text);
    const lengths = segment.mock.calls.map(([input]) => input.length);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(SEGMENT_WINDOW_CHARS);
    // Linear work: the total handed over is bounded by a small multiple of the text, not by its square.
    expect(lengths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * text.length);
  });

  it('keeps every word of a huge one-line article, in chunks inside the word limit', () => {
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i}`);
    // No sentence end at all: the windows must cut at spaces, never inside a word.
    const text = words.join(' ');
    const chunks = chunkDocument({ file: 'huge.txt', text }, { maxWords: 120, overlapSentences: 0 });
    for (const c of chunks) {
      expect(countWords(c.text)).toBeLessThanOrEqual(120);
      expect(text.slice(c.start, c.end)).toBe(c.text);
    }
    expect(chunks.flatMap((c) => c.text.split(' '))).toEqual(words);
  });

  it('never splits a surrogate pair when a window ends inside a long run without spaces', () => {
    const text = '😀'.repeat(SEGMENT_WINDOW_CHARS);
    const spans = splitSentences(text);
    expect(spans.map((s) => text.slice(s.start, s.end)).join('')).toBe(text);
    for (const s of spans) expect(text.slice(s.start, s.end)).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
