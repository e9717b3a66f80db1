import { chunkPositionsByFile, type Chunk } from '../chunk/chunker.js';
import type { ManifestDocument } from '../index/manifest.js';
import { loadStockWords } from './story-stock-phrases.js';
import { storySentences, type NumberedPassage, type StorySentences } from './story-sentences.js';

/*
 * Which articles report the same story? Wire copy is re-published with light edits: sentences are reworded, cut or
 * merged, but whole clauses survive word for word (seeds 003 and 004). Two independent reports on the same topic
 * share names and set phrases ("Russian Foreign Minister Sergey Lavrov", "the Middle East"), hardly ever a clause.
 *
 * So the unit is the sentence, and the test is the near-duplicate test of near-duplicates.ts (shared word
 * trigrams) read as containment: a sentence is *carried over* into another article when at least
 * CARRIED_OVER_SHARE of its word trigrams occur anywhere in that article (anywhere, because an edit moves clauses
 * across sentence boundaries). Stock phrases ("one of the", "the United States": story-stock-phrases.ts) are no
 * evidence of copying and are left out of both counts. Measured on the seeds with them left out: four rewritten
 * sentences of 004 keep 35–50 % of their trigrams in 003 (with stock phrases counted: 35–63 %); between the
 * seeds' independent reports the most any sentence keeps is 23 % (24 % counted). Two articles report the
 * same story when one of them carries over at least SAME_STORY_SENTENCES sentences into the other: a paragraph,
 * the unit editors copy. A shared quote is one sentence and does not make two reports one story.
 *
 * The passage-level test of near-duplicates.ts was measured first and does not separate stories: its trigram
 * Jaccard (≥ 0.4 between ~120-word passages) finds no pair even in 003/004 (best 0.17), and its cosine test
 * (≥ 0.92) pairs half the passages of every two Lavrov articles (averaged word vectors put all of them close).
 */
export const CARRIED_OVER_SHARE = 0.3;
export const SAME_STORY_SENTENCES = 3;
/** Shorter sentences (datelines, "Lavrov said.") share a third of their few trigrams by chance. Stock phrases do not count. */
export const MIN_SENTENCE_TRIGRAMS = 10;

/**
 * The groups of two or more articles (manifest keys) that report the same story, each sorted by date (undated
 * last), then file, and the groups in the order of their first article. Run when an index is built (in the build
 * process), never on the thread that answers.
 *
 * Cost: each sentence walks, for each of its trigrams, the sentences elsewhere that hold it. With stock phrases
 * left out (story-stock-phrases.ts) those lists hold the articles that share wording with it, which grows with
 * the corpus only as far as articles really copy each other, instead of with every article that writes English.
 */
export async function groupStories(
  chunks: readonly Chunk[],
  documents: Readonly<Record<string, ManifestDocument>>,
  sentences?: StorySentences,
): Promise<string[][]> {
  sentences ??= storySentences(numberedArticles(chunks), await loadStockWords());
  const links = new StoryLinks(sentences.files.length);
  const postings = sentencePostings(sentences);
  const carried = new CarriedOver(sentences, postings);
  for (let article = 0; article < sentences.files.length; article++) {
    for (const other of carried.from(article)) links.join(article, other);
  }
  const { files } = sentences;
  const number = new Map(files.map((file, i) => [file, i]));
  return storyOrder(files, (file) => files[links.root(number.get(file)!)], documents);
}

/** Chunks by article, numbered by their position (a full build's passage ids). */
export function numberedArticles(chunks: readonly Chunk[]): Array<[string, NumberedPassage[]]> {
  return [...chunkPositionsByFile(chunks)].map(([file, positions]) => [file, positions.map((id) => ({ id, chunk: chunks[id] }))]);
}

/** Union-find over article numbers. */
export class StoryLinks {
  private readonly parent: Int32Array;

  constructor(articles: number) {
    this.parent = Int32Array.from({ length: articles }, (_, i) => i);
  }

  root(article: number): number {
    let r = article;
    while (this.parent[r] !== r) r = this.parent[r] = this.parent[this.parent[r]];
    return r;
  }

  join(a: number, b: number): void {
    const [ra, rb] = [this.root(a), this.root(b)];
    if (ra !== rb) this.parent[ra] = rb;
  }
}

/** For each trigram, the sentences holding it: trigram numbers, and the sentences of each as one flat list. */
export interface SentencePostings {
  /** Each trigram occurrence of StorySentences.trigrams as a number 0 … count - 1. */
  numberOf: Int32Array;
  first: Int32Array;
  sentences: Int32Array;
  articleOf: Int32Array;
}

export function sentencePostings(s: StorySentences): SentencePostings {
  const sentenceCount = s.firstTrigram.length - 1;
  const articleOf = new Int32Array(sentenceCount);
  for (let a = 0; a + 1 < s.firstSentence.length; a++) articleOf.fill(a, s.firstSentence[a], s.firstSentence[a + 1]);
  const numberOf = numberKeys(s.trigrams);
  let count = 0;
  for (const n of numberOf) if (n >= count) count = n + 1;
  const first = new Int32Array(count + 1);
  for (const n of numberOf) first[n + 1] += 1;
  for (let n = 0; n < count; n++) first[n + 1] += first[n];
  const fill = first.slice(0, count);
  const sentences = new Int32Array(numberOf.length);
  for (let sentence = 0; sentence < sentenceCount; sentence++) {
    for (let i = s.firstTrigram[sentence]; i < s.firstTrigram[sentence + 1]; i++) sentences[fill[numberOf[i]]++] = sentence;
  }
  return { numberOf, first, sentences, articleOf };
}

/**
 * The articles each article carries at least SAME_STORY_SENTENCES sentences over into. Typed counters reset by
 * the lists of what was touched: no map or set is allocated per sentence.
 */
export class CarriedOver {
  private readonly found: Int32Array;
  private readonly carried: Int32Array;
  /** The last (sentence, trigram) step that counted an article: a trigram counts once per article. */
  private readonly stamp: Int32Array;
  private step = 0;

  constructor(
    private readonly s: StorySentences,
    private readonly postings: SentencePostings,
  ) {
    const articles = s.files.length;
    this.found = new Int32Array(articles);
    this.carried = new Int32Array(articles);
    this.stamp = new Int32Array(articles).fill(-1);
  }

  from(article: number): number[] {
    const { s, found, carried, stamp } = this;
    const { numberOf, first, sentences, articleOf } = this.postings;
    const touched: number[] = [];
    const carriedTo: number[] = [];
    for (let sentence = s.firstSentence[article]; sentence < s.firstSentence[article + 1]; sentence++) {
      const size = s.firstTrigram[sentence + 1] - s.firstTrigram[sentence];
      if (size < MIN_SENTENCE_TRIGRAMS) continue;
      const needed = Math.ceil(CARRIED_OVER_SHARE * size);
      const skipped = this.longestLists(s.firstTrigram[sentence], s.firstTrigram[sentence + 1], needed - 1);
      for (let i = s.firstTrigram[sentence]; i < s.firstTrigram[sentence + 1]; i++) {
        const n = numberOf[i];
        if (skipped.includes(n)) continue;
        const step = this.step++;
        for (let p = first[n]; p < first[n + 1]; p++) {
          const other = articleOf[sentences[p]];
          if (other === article || stamp[other] === step) continue;
          stamp[other] = step;
          if (found[other]++ === 0) touched.push(other);
        }
      }
      for (const other of touched) {
        let count = found[other];
        for (let k = 0; k < skipped.length && count < needed && count + skipped.length - k >= needed; k++) {
          if (this.holds(skipped[k], other)) count += 1;
        }
        if (count >= needed && carried[other]++ === 0) carriedTo.push(other);
        found[other] = 0;
      }
      touched.length = 0;
    }
    const result = carriedTo.filter((other) => carried[other] >= SAME_STORY_SENTENCES);
    for (const other of carriedTo) carried[other] = 0;
    return result;
  }

  /**
   * Up to `most` of the trigrams numberOf[from … to - 1] with the longest lists of holders (longer than
   * LONG_LIST). A sentence needs `most + 1` trigrams in common with an article to be carried over, so an article
   * holding none of the others can never reach it: those lists need not be walked, only asked about the articles
   * the others turned up. The commonest trigrams hold most of a walk's cost, and this is where it goes.
   */
  private longestLists(from: number, to: number, most: number): number[] {
    const { numberOf, first } = this.postings;
    const long: number[] = [];
    for (let i = from; i < to; i++) if (first[numberOf[i] + 1] - first[numberOf[i]] > LONG_LIST) long.push(numberOf[i]);
    if (long.length <= most) return long;
    return long.sort((a, b) => first[b + 1] - first[b] - (first[a + 1] - first[a])).slice(0, most);
  }

  /** Whether `article` holds trigram number n: a binary search of its holders (in sentence order) for the article's sentences. */
  private holds(n: number, article: number): boolean {
    const { first, sentences } = this.postings;
    const [lowest, beyond] = [this.s.firstSentence[article], this.s.firstSentence[article + 1]];
    let [lo, hi] = [first[n], first[n + 1]];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sentences[mid] < lowest) lo = mid + 1;
      else hi = mid;
    }
    return lo < first[n + 1] && sentences[lo] < beyond;
  }
}

/** Lists shorter than this are walked whatever their rank: asking about every candidate would cost more. */
const LONG_LIST = 64;

/** Numbers 0 … k - 1 for the distinct keys, in order of first appearance (an open-addressing table: no Map limit). */
function numberKeys(keys: Int32Array): Int32Array {
  let capacity = 1 << 16;
  let slots = new Int32Array(capacity).fill(-1);
  let slotKeys = new Int32Array(capacity);
  let count = 0;
  const numbers = new Int32Array(keys.length);
  const place = (key: number, table: Int32Array, tableKeys: Int32Array, mask: number) => {
    let at = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    while (table[at] !== -1 && tableKeys[at] !== key) at = (at + 1) & mask;
    return at;
  };
  for (let i = 0; i < keys.length; i++) {
    if (count * 2 >= capacity) {
      const [oldSlots, oldKeys] = [slots, slotKeys];
      capacity *= 2;
      slots = new Int32Array(capacity).fill(-1);
      slotKeys = new Int32Array(capacity);
      for (let j = 0; j < oldSlots.length; j++) {
        if (oldSlots[j] === -1) continue;
        const at = place(oldKeys[j], slots, slotKeys, capacity - 1);
        slots[at] = oldSlots[j];
        slotKeys[at] = oldKeys[j];
      }
    }
    const at = place(keys[i], slots, slotKeys, capacity - 1);
    if (slots[at] === -1) {
      slots[at] = count++;
      slotKeys[at] = keys[i];
    }
    numbers[i] = slots[at];
  }
  return numbers;
}

/** The groups of two or more files with the same root, each sorted by date (undated last) then file, in order of their first. */
export function storyOrder(files: Iterable<string>, root: (file: string) => string, documents: Readonly<Record<string, ManifestDocument>>): string[][] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const r = root(file);
    const group = groups.get(r);
    if (group) group.push(file);
    else groups.set(r, [file]);
  }
  const byDate = storyDateOrder(documents);
  const clusters = [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort(byDate));
  clusters.sort((a, b) => byDate(a[0], b[0]));
  return clusters;
}

/** Articles by date (undated last), then file. */
export function storyDateOrder(documents: Readonly<Record<string, ManifestDocument>>): (a: string, b: string) => number {
  return (a, b) =>
    Number(documents[a]?.date == null) - Number(documents[b]?.date == null) ||
    (documents[a]?.date ?? '').localeCompare(documents[b]?.date ?? '') ||
    a.localeCompare(b);
}
