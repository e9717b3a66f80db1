import { chunkPositionsByFile, type Chunk } from '../chunk/chunker.js';
import type { ManifestDocument } from '../index/manifest.js';

/*
 * Which articles report the same story? Wire copy is re-published with light edits: sentences are reworded, cut or
 * merged, but whole clauses survive word for word (seeds 003 and 004). Two independent reports on the same topic
 * share names and set phrases ("Russian Foreign Minister Sergey Lavrov", "the Middle East"), hardly ever a clause.
 *
 * So the unit is the sentence, and the test is the near-duplicate test of near-duplicates.ts (shared word
 * trigrams) read as containment: a sentence is *carried over* into another article when at least
 * CARRIED_OVER_SHARE of its word trigrams occur anywhere in that article (anywhere, because an edit moves clauses
 * across sentence boundaries). Measured on the seeds: the rewritten sentences of 003/004 keep 32–63 % of their
 * trigrams; between the seeds' independent reports the most any sentence keeps is 24 %. Two articles report the
 * same story when one of them carries over at least SAME_STORY_SENTENCES sentences into the other: a paragraph,
 * the unit editors copy. A shared quote is one sentence and does not make two reports one story.
 *
 * The passage-level test of near-duplicates.ts was measured first and does not separate stories: its trigram
 * Jaccard (≥ 0.4 between ~120-word passages) finds no pair even in 003/004 (best 0.17), and its cosine test
 * (≥ 0.92) pairs half the passages of every two Lavrov articles (averaged word vectors put all of them close).
 */
export const CARRIED_OVER_SHARE = 0.3;
export const SAME_STORY_SENTENCES = 3;
/** Shorter sentences (datelines, "Lavrov said.") share a third of their few trigrams by chance. */
export const MIN_SENTENCE_TRIGRAMS = 10;

/**
 * The groups of two or more articles (manifest keys) that report the same story, each sorted by date (undated
 * last), then file, and the groups in the order of their first article. Run when an index is built (in the build
 * process): over 12,000 passages it takes over a second, which the thread that answers must never spend.
 */
export function groupStories(chunks: readonly Chunk[], documents: Readonly<Record<string, ManifestDocument>>): string[][] {
  const sentences = articleSentenceTrigrams(chunks);
  // Articles by number, and which articles hold each trigram, so only articles that share wording are ever compared.
  // Numbers and typed counters rather than names and maps: this loop is most of a build's grouping time (13 of 20 s
  // of a one-article change at 30k passages, where recombined Brown paragraphs make many trigrams common).
  const files = [...sentences.keys()];
  const holders = new Map<number, number[]>();
  files.forEach((file, article) => {
    const seen = new Set<number>();
    for (const grams of sentences.get(file)!) {
      for (const g of grams) {
        if (seen.has(g)) continue;
        seen.add(g);
        const list = holders.get(g);
        if (list) list.push(article);
        else holders.set(g, [article]);
      }
    }
  });
  const parent = new Map<string, string>();
  const root = (f: string): string => {
    let r = f;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  const found = new Int32Array(files.length);
  const carried = new Int32Array(files.length);
  const touched: number[] = [];
  const carriedTo: number[] = [];
  files.forEach((file, article) => {
    for (const grams of sentences.get(file)!) {
      if (grams.size < MIN_SENTENCE_TRIGRAMS) continue;
      for (const g of grams) {
        for (const other of holders.get(g)!) {
          if (other === article) continue;
          if (found[other]++ === 0) touched.push(other);
        }
      }
      for (const other of touched) {
        if (found[other] >= CARRIED_OVER_SHARE * grams.size && carried[other]++ === 0) carriedTo.push(other);
        found[other] = 0;
      }
      touched.length = 0;
    }
    for (const other of carriedTo) {
      if (carried[other] >= SAME_STORY_SENTENCES) {
        const [a, b] = [root(file), root(files[other])];
        if (a !== b) parent.set(a, b);
      }
      carried[other] = 0;
    }
    carriedTo.length = 0;
  });
  return storyOrder(files, root, documents);
}

/** The groups of two or more files with the same root, each sorted by date (undated last) then file, in order of their first. */
export function storyOrder(files: Iterable<string>, root: (file: string) => string, documents: Readonly<Record<string, ManifestDocument>>): string[][] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const r = root(file);
    groups.set(r, [...(groups.get(r) ?? []), file]);
  }
  const byDate = (a: string, b: string) =>
    Number(documents[a]?.date == null) - Number(documents[b]?.date == null) ||
    (documents[a]?.date ?? '').localeCompare(documents[b]?.date ?? '') ||
    a.localeCompare(b);
  const clusters = [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort(byDate));
  clusters.sort((a, b) => byDate(a[0], b[0]));
  return clusters;
}

/**
 * Each article's sentences as sets of word trigrams, each sentence once although passages overlap. Trigrams are
 * numbers (three interned word ids hashed to 32 bits), not strings: over 12,000 passages the strings alone took
 * about 1.8 s to build. A collision between two different trigrams is about one in 4 billion per pair and only
 * ever adds one shared trigram to one sentence.
 */
export function articleSentenceTrigrams(chunks: readonly Chunk[]): Map<string, Array<Set<number>>> {
  const ids = new Map<string, number>();
  const idOf = (word: string) => ids.get(word) ?? (ids.set(word, ids.size), ids.size - 1);
  const result = new Map<string, Array<Set<number>>>();
  for (const [file, positions] of chunkPositionsByFile(chunks)) {
    const seen = new Set<number>();
    const list: Array<Set<number>> = [];
    for (const position of positions) {
      const chunk = chunks[position];
      for (const [start, end] of chunk.sentences) {
        if (seen.has(chunk.start + start)) continue;
        seen.add(chunk.start + start);
        const words = (chunk.text.slice(start, end).toLowerCase().match(WORD) ?? []).map(idOf);
        const grams = new Set<number>();
        for (let i = 0; i + 2 < words.length; i++) grams.add(trigramKey(words[i], words[i + 1], words[i + 2]));
        list.push(grams);
      }
    }
    result.set(file, list);
  }
  return result;
}

/** The same words as wordTrigrams in near-duplicates.ts. */
const WORD = /[\p{L}\p{N}]+/gu;

function trigramKey(a: number, b: number, c: number): number {
  let h = Math.imul(a + 1, 0x9e3779b1);
  h = Math.imul(h ^ (b + 1), 0x85ebca77);
  h = Math.imul(h ^ (c + 1), 0xc2b2ae3d);
  return (h ^ (h >>> 15)) >>> 0;
}

