import type Database from 'better-sqlite3';
import { sentencePostings } from './story-grouping.js';
import type { StorySentences } from './story-sentences.js';

/*
 * The story grouping's trigram index, kept in the generation's passages.db: for each trigram (stock phrases left
 * out), the sentences holding it. A one-article change looks up the changed article's trigrams here and so finds
 * every article it can be linked to, both ways, without reading any other passage: an article carries a sentence
 * over into another only through trigrams they share. Cost per change: the changed article's trigrams and the
 * sentences that hold them, not the corpus (story-regrouping.ts).
 *
 * A sentence is named by the passage it was read from and its place there (passage ids live as long as the
 * passage, update.ts), and carries its own trigram count, which the carried-over test divides by. One row per
 * trigram, its holders packed in a blob of 32-bit pairs [passage, place << 16 | size]: one row per holder would be
 * ~20 million rows at 256k passages, each with its key and B-tree overhead.
 */
export const STORY_POSTINGS_SCHEMA = `
  CREATE TABLE story_trigrams (trigram INTEGER PRIMARY KEY, holders BLOB NOT NULL);
  CREATE TABLE story_stock_words (word TEXT PRIMARY KEY) WITHOUT ROWID;
`;

/** A sentence's trigrams are ≤ 118 (a sentence is cut at 120 words) and its place in a passage ≤ 120: both fit 16 bits. */
const FIELD = 0xffff;

/**
 * What a build writes: every sentence of a full build (`removed` null) and the stock words its trigrams leave out,
 * or an update's removed and added articles' sentences. The stock words are stored so that an update leaves out
 * exactly what the index it updates left out (and need not read the 3.6 MB word list: 0.1–0.2 s of CPU).
 */
export type StoryPostingsChange = { removed: null; added: StorySentences; stock: ReadonlySet<string> } | { removed: StorySentences; added: StorySentences };

/** Applies a change to the table, in the caller's transaction. */
export function writeStoryPostings(db: Database.Database, change: StoryPostingsChange): void {
  if (!change.removed) {
    writeAll(db, change.added);
    const insert = db.prepare('INSERT INTO story_stock_words (word) VALUES (?)');
    for (const word of change.stock) insert.run(word);
    return;
  }
  const read = db.prepare<[number], { holders: Buffer }>('SELECT holders FROM story_trigrams WHERE trigram = ?');
  const write = db.prepare('INSERT OR REPLACE INTO story_trigrams (trigram, holders) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM story_trigrams WHERE trigram = ?');
  const added = holdersByKey(change.added);
  const removedPassages = new Set(change.removed.passage);
  const touched = new Set([...added.keys(), ...holdersByKey(change.removed).keys()]);
  for (const key of [...touched].sort((a, b) => a - b)) {
    const before = read.get(key);
    const kept = before ? withoutPassages(asPairs(before.holders), removedPassages) : new Int32Array(0);
    const fresh = added.has(key) ? asPairs(added.get(key)!) : new Int32Array(0);
    if (kept.length + fresh.length === 0) {
      remove.run(key);
      continue;
    }
    const holders = new Int32Array(kept.length + fresh.length);
    holders.set(kept);
    holders.set(fresh, kept.length);
    write.run(key, Buffer.from(holders.buffer, holders.byteOffset, holders.byteLength));
  }
}

/** A full build's index, row by row in key order (appending to the B-tree) without a lookup or a map of blobs. */
function writeAll(db: Database.Database, s: StorySentences): void {
  const insert = db.prepare('INSERT INTO story_trigrams (trigram, holders) VALUES (?, ?)');
  const { keyOf, first, sentences } = postingsOf(s);
  const order = Int32Array.from(keyOf.keys()).sort((a, b) => keyOf[a] - keyOf[b]);
  for (const n of order) insert.run(keyOf[n], packed(s, sentences.subarray(first[n], first[n + 1])));
}

/** The stock words the index was built with. */
export function readStockWords(db: Database.Database): ReadonlySet<string> {
  return new Set(db.prepare<[], string>('SELECT word FROM story_stock_words').pluck().all());
}

/** One sentence holding a trigram. */
export interface TrigramHolder {
  passage: number;
  place: number;
  size: number;
}

/** The holders of each key that has any. */
export function readStoryPostings(db: Database.Database, keys: Iterable<number>): Map<number, TrigramHolder[]> {
  const read = db.prepare<[number], { holders: Buffer }>('SELECT holders FROM story_trigrams WHERE trigram = ?');
  const result = new Map<number, TrigramHolder[]>();
  for (const key of keys) {
    const row = read.get(key);
    if (!row) continue;
    const pairs = asPairs(row.holders);
    const holders: TrigramHolder[] = [];
    for (let i = 0; i < pairs.length; i += 2) holders.push({ passage: pairs[i], place: pairs[i + 1] >>> 16, size: pairs[i + 1] & FIELD });
    result.set(key, holders);
  }
  return result;
}

/** Each key's holders among these sentences, as packed pairs. */
function holdersByKey(s: StorySentences): Map<number, Buffer> {
  const { keyOf, first, sentences } = postingsOf(s);
  const result = new Map<number, Buffer>();
  keyOf.forEach((key, n) => result.set(key, packed(s, sentences.subarray(first[n], first[n + 1]))));
  return result;
}

function postingsOf(s: StorySentences) {
  const { numberOf, first, sentences } = sentencePostings(s);
  const keyOf = new Int32Array(first.length - 1);
  numberOf.forEach((n, i) => (keyOf[n] = s.trigrams[i]));
  return { keyOf, first, sentences };
}

/** Sentences as the blob's pairs [passage, place << 16 | size]. */
function packed(s: StorySentences, sentences: Int32Array): Buffer {
  const pairs = new Int32Array(2 * sentences.length);
  sentences.forEach((sentence, i) => {
    pairs[2 * i] = s.passage[sentence];
    pairs[2 * i + 1] = (s.place[sentence] << 16) | (s.firstTrigram[sentence + 1] - s.firstTrigram[sentence]);
  });
  return Buffer.from(pairs.buffer);
}

function asPairs(blob: Buffer): Int32Array {
  // A copy: the blob's bytes need not be 4-byte aligned.
  return new Int32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

function withoutPassages(pairs: Int32Array, passages: ReadonlySet<number>): Int32Array {
  if (passages.size === 0) return pairs;
  const kept: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) if (!passages.has(pairs[i])) kept.push(pairs[i], pairs[i + 1]);
  return Int32Array.from(kept);
}
