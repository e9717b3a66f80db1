import type { Chunk } from '../chunk/chunker.js';

/** A passage and its id in the index (its row in the vector file and in passages.db). */
export interface NumberedPassage {
  id: number;
  chunk: Chunk;
}

/**
 * Articles' sentences as word trigrams, in flat typed arrays: at a million passages that is ~100 million trigrams,
 * which as a Set per sentence cost more in allocation and garbage collection than the comparison itself.
 * Article a's sentences are firstSentence[a] … firstSentence[a + 1] - 1; sentence s's trigrams are
 * trigrams[firstTrigram[s]] … trigrams[firstTrigram[s + 1] - 1], each once, stock phrases left out.
 */
export interface StorySentences {
  files: string[];
  firstSentence: Int32Array;
  firstTrigram: Int32Array;
  trigrams: Int32Array;
  /** Where each sentence was read: the first passage holding it (passages overlap by a sentence) and its place there. */
  passage: Int32Array;
  place: Int32Array;
}

/** Passages by article, in the order given (a build's removed or added passages). */
export function byArticle(passages: Iterable<NumberedPassage>): Array<[string, NumberedPassage[]]> {
  const articles = new Map<string, NumberedPassage[]>();
  for (const p of passages) {
    const list = articles.get(p.chunk.file);
    if (list) list.push(p);
    else articles.set(p.chunk.file, [p]);
  }
  return [...articles];
}

/**
 * The sentences of each article, each once although passages overlap, in the order given. A trigram is a 32-bit
 * key of its three words' hashes, not an interned number, so the same words give the same key in every process
 * (passages.db stores them, story-postings.ts). Two different trigrams share a key about once in 4 billion pairs,
 * and then only add one shared trigram to one sentence's count.
 */
export function storySentences(articles: Iterable<readonly [string, readonly NumberedPassage[]]>, stock: ReadonlySet<string>): StorySentences {
  const files: string[] = [];
  const firstSentence = new IntList();
  const firstTrigram = new IntList();
  const trigrams = new IntList();
  const passage = new IntList();
  const place = new IntList();
  const stockKeys = new Set([...stock].map(wordKey));
  const inSentence = new Set<number>();
  for (const [file, passages] of articles) {
    files.push(file);
    firstSentence.push(firstTrigram.length);
    const seen = new Set<number>();
    for (const { id, chunk } of passages) {
      chunk.sentences.forEach(([start, end], index) => {
        if (seen.has(chunk.start + start)) return;
        seen.add(chunk.start + start);
        firstTrigram.push(trigrams.length);
        passage.push(id);
        place.push(index);
        inSentence.clear();
        forEachTrigram(chunk.text.slice(start, end).toLowerCase(), stockKeys, (key) => {
          if (inSentence.has(key)) return;
          inSentence.add(key);
          trigrams.push(key);
        });
      });
    }
  }
  firstSentence.push(firstTrigram.length);
  firstTrigram.push(trigrams.length);
  return { files, firstSentence: firstSentence.toArray(), firstTrigram: firstTrigram.toArray(), trigrams: trigrams.toArray(), passage: passage.toArray(), place: place.toArray() };
}

/**
 * Calls `take` with the key of each trigram of consecutive words in `text` (lower-cased) that is not a stock
 * phrase. Words are those of wordTrigrams in near-duplicates.ts (runs of letters and digits), hashed as they are
 * read: slicing each word out and looking it up cost more than the rest of the grouping at 30k passages. A word
 * whose hash equals a stock word's counts as stock (about one word in four million).
 */
function forEachTrigram(text: string, stockKeys: ReadonlySet<number>, take: (key: number) => void): void {
  let [a, b] = [0, 0];
  let [stockA, stockB] = [false, false];
  let words = 0;
  let hash = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      hash = Math.imul(hash ^ code, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (code >= 128) {
      const point = text.codePointAt(i)!;
      const units = point > 0xffff ? 2 : 1;
      if (WORD_CHAR.test(String.fromCodePoint(point))) {
        for (let u = 0; u < units; u++) hash = Math.imul(hash ^ text.charCodeAt(i + u), FNV_PRIME);
        inWord = true;
        i += units - 1;
        continue;
      }
      i += units - 1;
    }
    if (!inWord) continue;
    const c = hash | 0;
    const stockC = stockKeys.has(c);
    if (++words >= 3 && !(stockA && stockB && stockC)) take(trigramKey(a, b, c));
    [a, b, stockA, stockB] = [b, c, stockB, stockC];
    hash = FNV_OFFSET;
    inWord = false;
  }
}

/** Letters and digits beyond ASCII. */
const WORD_CHAR = /[\p{L}\p{N}]/u;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function wordKey(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

function trigramKey(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x2545f491, 0x9e3779b1);
  h = Math.imul(h ^ b, 0x85ebca77);
  h = Math.imul(h ^ c, 0xc2b2ae3d);
  return h ^ (h >>> 15);
}

/** A growable Int32Array. */
class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** No sentences: what an empty build writes into the trigram index. */
export const NO_STORY_SENTENCES: StorySentences = storySentences([], new Set());
