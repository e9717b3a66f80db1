import { describe, expect, it } from 'vitest';
import { chunkDocument, countWords, splitSentences } from '../src/chunk/chunker.js';
import { loadCorpus } from '../src/corpus/loader.js';

const sentence = (i: number, words: number) => `Sentence ${i} ${'word '.repeat(words - 3).trim()} end.`;

describe('chunker', () => {
  it('packs whole sentences up to the word limit, overlapping by one sentence', () => {
    const text = Array.from({ length: 6 }, (_, i) => sentence(i, 10)).join(' ');
    const chunks = chunkDocument({ file: 'a.txt', text }, { maxWords: 30, overlapSentences: 1 });
    expect(chunks.map((c) => c.text.match(/Sentence \d/g))).toEqual([
      ['Sentence 0', 'Sentence 1', 'Sentence 2'],
      ['Sentence 2', 'Sentence 3', 'Sentence 4'],
      ['Sentence 4', 'Sentence 5'],
    ]);
    chunks.forEach((c, i) => {
      expect(c.ordinal).toBe(i);
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.text.startsWith('Sentence')).toBe(true);
      expect(c.text.endsWith('end.')).toBe(true);
      expect(countWords(c.text)).toBeLessThanOrEqual(30);
    });
  });

  it('cuts a sentence longer than the limit at word boundaries without losing words', () => {
    const text = `${'alpha '.repeat(25).trim()}. Short one.`;
    const chunks = chunkDocument({ file: 'a.txt', text }, { maxWords: 10, overlapSentences: 0 });
    expect(chunks.every((c) => countWords(c.text) <= 10)).toBe(true);
    expect(chunks.map((c) => c.text).join(' ').split(/\s+/).length).toBe(countWords(text));
  });

  it('treats line breaks as sentence boundaries (headlines, subheadings)', () => {
    const spans = splitSentences('A subheading without a stop\nThe next sentence. And another.');
    expect(spans.length).toBe(3);
  });

  it('covers every sentence of every seed, inside the limit', async () => {
    const { documents } = await loadCorpus('corpus');
    for (const doc of documents) {
      const chunks = chunkDocument(doc);
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) {
        expect(countWords(c.text)).toBeLessThanOrEqual(120);
        // The stored sentence spans are the segmenter's, relative to the chunk.
        expect(c.sentences).toEqual(splitSentences(c.text).map((s) => [s.start, s.end]));
      }
      for (const s of splitSentences(doc.text)) {
        expect(chunks.some((c) => c.start <= s.start && s.end <= c.end)).toBe(true);
      }
    }
  });
});
