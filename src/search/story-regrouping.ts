import type { Chunk } from '../chunk/chunker.js';
import type { ManifestDocument } from '../index/manifest.js';
import {
  articleSentenceTrigrams,
  CARRIED_OVER_SHARE,
  groupStories,
  MIN_SENTENCE_TRIGRAMS,
  SAME_STORY_SENTENCES,
  storyOrder,
} from './story-grouping.js';

/*
 * The story groups after a one-article change, computed from the previous groups instead of comparing every article
 * with every other (13 of the 20 s such a change took at 30k passages). Whether one article carries sentences over
 * into another depends on those two articles only, so:
 * - links between unchanged articles are as before: a previous group without a removed or changed member stands;
 * - a group that lost members is regrouped among its remaining members alone (no link can join them to an
 *   article outside the group, or the group would have held it);
 * - the new and changed articles are compared with every article, both ways, in one pass over all trigrams that
 *   never walks the long lists of articles holding a common trigram.
 * The result is the groups groupStories would find (tests/incremental-update.test.ts compares them).
 */
export function regroupStories(
  previous: readonly string[][],
  change: { gone: ReadonlySet<string>; fresh: ReadonlySet<string> },
  chunks: readonly Chunk[],
  documents: Readonly<Record<string, ManifestDocument>>,
): string[][] {
  const sentences = articleSentenceTrigrams(chunks);
  const parent = new Map<string, string>();
  const root = (f: string): string => {
    let r = f;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  const join = (a: string, b: string) => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(ra, rb);
  };

  for (const group of previous) {
    const kept = group.filter((f) => !change.gone.has(f) && sentences.has(f));
    if (kept.length === group.length) {
      for (const f of kept.slice(1)) join(kept[0], f);
      continue;
    }
    const keptSet = new Set(kept);
    for (const sub of groupStories(chunks.filter((c) => keptSet.has(c.file)), documents)) for (const f of sub.slice(1)) join(sub[0], f);
  }
  for (const [a, b] of linksOfFresh(sentences, change.fresh)) join(a, b);
  return storyOrder(sentences.keys(), root, documents);
}

/** Pairs (fresh article, other article) where either carries at least SAME_STORY_SENTENCES sentences over into the other. */
function linksOfFresh(sentences: ReadonlyMap<string, Array<Set<number>>>, fresh: ReadonlySet<string>): Array<[string, string]> {
  // Each trigram of a fresh article: which of its sentences hold it, and which fresh articles.
  const inFreshSentence = new Map<number, Array<{ file: string; sentence: number }>>();
  const inFreshArticle = new Map<number, Set<string>>();
  for (const file of fresh) {
    (sentences.get(file) ?? []).forEach((grams, sentence) => {
      for (const g of grams) {
        if (grams.size >= MIN_SENTENCE_TRIGRAMS) {
          const list = inFreshSentence.get(g);
          if (list) list.push({ file, sentence });
          else inFreshSentence.set(g, [{ file, sentence }]);
        }
        let holders = inFreshArticle.get(g);
        if (!holders) inFreshArticle.set(g, (holders = new Set()));
        holders.add(file);
      }
    });
  }
  const links: Array<[string, string]> = [];
  for (const [other, list] of sentences) {
    // Fresh → other: the share of each fresh sentence's trigrams found anywhere in `other`.
    const found = new Map<string, Map<number, number>>();
    const held = new Set<number>();
    for (const grams of list) for (const g of grams) held.add(g);
    for (const g of held) {
      for (const { file, sentence } of inFreshSentence.get(g) ?? []) {
        if (file === other) continue;
        let counts = found.get(file);
        if (!counts) found.set(file, (counts = new Map()));
        counts.set(sentence, (counts.get(sentence) ?? 0) + 1);
      }
    }
    const linked = new Set<string>();
    for (const [file, counts] of found) {
      const sizes = sentences.get(file)!;
      let carried = 0;
      for (const [sentence, n] of counts) if (n >= CARRIED_OVER_SHARE * sizes[sentence].size) carried += 1;
      if (carried >= SAME_STORY_SENTENCES) linked.add(file);
    }
    // Other → fresh: the share of each of `other`'s sentences found anywhere in a fresh article.
    const carriedInto = new Map<string, number>();
    for (const grams of list) {
      if (grams.size < MIN_SENTENCE_TRIGRAMS) continue;
      const inFresh = new Map<string, number>();
      for (const g of grams) for (const file of inFreshArticle.get(g) ?? []) if (file !== other) inFresh.set(file, (inFresh.get(file) ?? 0) + 1);
      for (const [file, n] of inFresh) if (n >= CARRIED_OVER_SHARE * grams.size) carriedInto.set(file, (carriedInto.get(file) ?? 0) + 1);
    }
    for (const [file, n] of carriedInto) if (n >= SAME_STORY_SENTENCES) linked.add(file);
    for (const file of linked) links.push([file, other]);
  }
  return links;
}
