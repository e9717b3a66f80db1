import type { ManifestDocument } from '../index/manifest.js';
import type { BuildBase } from '../index/snapshot.js';
import {
  CARRIED_OVER_SHARE,
  CarriedOver,
  groupStories,
  MIN_SENTENCE_TRIGRAMS,
  SAME_STORY_SENTENCES,
  sentencePostings,
  storyDateOrder,
  storyOrder,
} from './story-grouping.js';
import type { TrigramHolder } from './story-postings.js';
import { storySentences, type NumberedPassage, type StorySentences } from './story-sentences.js';

/*
 * The story groups after a one-article change, computed from the previous groups and the previous generation's
 * trigram index (story-postings.ts) instead of comparing every article with every other. Whether one article
 * carries sentences over into another depends on those two articles only, so:
 * - links between unchanged articles are as before: a previous group without a removed or changed member stands;
 * - a group that lost members is regrouped among its remaining members alone (no link can join them to an
 *   article outside the group, or the group would have held it): this reads those members' passages, so it costs
 *   in proportion to the group, which for wire copy is a handful of articles;
 * - the new and changed articles are compared with each other in memory, and with every unchanged article through
 *   the index: an article they share no trigram with cannot be linked to them either way, and for one they do,
 *   the index says which of its sentences hold which trigram and how many trigrams each has, which is all the
 *   carried-over test needs in both directions.
 * So the cost follows the changed articles' trigrams and the sentences holding them, not the corpus. The result is
 * the groups groupStories would find (tests/incremental-update.test.ts compares them).
 */

/** What the regrouping reads of the previous generation. */
export interface PreviousStories {
  groups: readonly string[][];
  /** For each key, the sentences holding it in the previous generation (removed articles' included). */
  holders(keys: Iterable<number>): Map<number, TrigramHolder[]>;
  fileOf(passage: number): string | undefined;
  passagesOf(file: string): NumberedPassage[];
}

/** The previous generation as the regrouping reads it: its groups, its trigram index and, by article, its passages. */
export function previousStories(snapshot: BuildBase): PreviousStories {
  return {
    groups: snapshot.manifest.stories,
    holders: (keys) => snapshot.store.storyHolders(keys),
    fileOf: (passage) => snapshot.chunks.fileOf(passage),
    passagesOf: (file) => snapshot.chunks.positionsOf(file).map((id) => ({ id, chunk: snapshot.chunks.get(id) })),
  };
}

export async function regroupStories(
  previous: PreviousStories,
  change: { gone: ReadonlySet<string>; fresh: StorySentences; stock: ReadonlySet<string> },
  documents: Readonly<Record<string, ManifestDocument>>,
): Promise<string[][]> {
  // Union-find by name, with path compression: a generated corpus has stories of thousands of articles.
  const parent = new Map<string, string>();
  const root = (f: string): string => {
    let r = f;
    while (parent.has(r)) r = parent.get(r)!;
    for (let x = f; x !== r; ) {
      const up = parent.get(x)!;
      parent.set(x, r);
      x = up;
    }
    return r;
  };
  const join = (a: string, b: string) => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(ra, rb);
  };

  // Stories untouched by the change are kept as they are, unsorted and unjoined: their members' dates did not
  // change, and walking every story's members would make a change cost in proportion to the stories.
  const intact = new Map<string, number>();
  const touched = new Set<number>();
  for (const [i, group] of previous.groups.entries()) {
    const kept = group.filter((f) => !change.gone.has(f) && documents[f]);
    if (kept.length === group.length) {
      for (const f of group) intact.set(f, i);
      continue;
    }
    touched.add(i);
    const members = kept.map((f): [string, NumberedPassage[]] => [f, previous.passagesOf(f)]);
    const chunks = members.flatMap(([, passages]) => passages.map((p) => p.chunk));
    const sentences = storySentences(members, change.stock);
    for (const sub of await groupStories(chunks, documents, sentences)) for (const f of sub.slice(1)) join(f, sub[0]);
  }
  const joinUnchanged = (fresh: string, other: string) => {
    const story = intact.get(other);
    if (story !== undefined && !touched.has(story)) {
      touched.add(story);
      for (const f of previous.groups[story]) join(f, other);
    }
    join(fresh, other);
  };

  const { fresh } = change;
  const among = new CarriedOver(fresh, sentencePostings(fresh));
  for (let article = 0; article < fresh.files.length; article++) {
    for (const other of among.from(article)) join(fresh.files[article], fresh.files[other]);
  }
  const holders = unchangedHolders(previous, change.gone, fresh.trigrams);
  for (let article = 0; article < fresh.files.length; article++) {
    for (const other of linksWithUnchanged(fresh, article, holders)) joinUnchanged(fresh.files[article], other);
  }
  const byDate = storyDateOrder(documents);
  const regrouped = storyOrder(new Set([...parent.keys(), ...parent.values()]), root, documents);
  const kept = previous.groups.filter((_, i) => !touched.has(i));
  return [...kept, ...regrouped].sort((a, b) => byDate(a[0], b[0]));
}

/** A sentence of an unchanged article that holds a trigram. */
interface Holder {
  file: string;
  sentence: number;
  size: number;
}

/** The previous generation's holders of these keys, less the sentences of removed and changed articles. */
function unchangedHolders(previous: PreviousStories, gone: ReadonlySet<string>, keys: Int32Array): Map<number, Holder[]> {
  const result = new Map<number, Holder[]>();
  for (const [key, list] of previous.holders(new Set(keys))) {
    const kept: Holder[] = [];
    for (const { passage, place, size } of list) {
      const file = previous.fileOf(passage);
      // A changed article is among the gone: its old sentences do not count, its new ones are the fresh.
      if (file === undefined || gone.has(file)) continue;
      kept.push({ file, sentence: passage * 0x10000 + place, size });
    }
    if (kept.length > 0) result.set(key, kept);
  }
  return result;
}

/** The unchanged articles that fresh article `article` carries SAME_STORY_SENTENCES sentences into, or that carry as many into it. */
function linksWithUnchanged(s: StorySentences, article: number, holders: ReadonlyMap<number, Holder[]>): Set<string> {
  const linked = new Set<string>();
  // Fresh → unchanged: each fresh sentence's trigrams found anywhere in the other article, a trigram once per article.
  const carried = new Map<string, number>();
  for (let sentence = s.firstSentence[article]; sentence < s.firstSentence[article + 1]; sentence++) {
    const size = s.firstTrigram[sentence + 1] - s.firstTrigram[sentence];
    if (size < MIN_SENTENCE_TRIGRAMS) continue;
    const found = new Map<string, number>();
    for (let i = s.firstTrigram[sentence]; i < s.firstTrigram[sentence + 1]; i++) {
      for (const file of new Set((holders.get(s.trigrams[i]) ?? []).map((h) => h.file))) found.set(file, (found.get(file) ?? 0) + 1);
    }
    for (const [file, n] of found) if (n >= CARRIED_OVER_SHARE * size) carried.set(file, (carried.get(file) ?? 0) + 1);
  }
  for (const [file, n] of carried) if (n >= SAME_STORY_SENTENCES) linked.add(file);

  // Unchanged → fresh: each unchanged sentence's trigrams found anywhere in the fresh article.
  const inFresh = new Map<number, { holder: Holder; n: number }>();
  const articleTrigrams = new Set(s.trigrams.subarray(s.firstTrigram[s.firstSentence[article]], s.firstTrigram[s.firstSentence[article + 1]]));
  for (const key of articleTrigrams) {
    for (const holder of holders.get(key) ?? []) {
      if (holder.size < MIN_SENTENCE_TRIGRAMS) continue;
      const entry = inFresh.get(holder.sentence);
      if (entry) entry.n += 1;
      else inFresh.set(holder.sentence, { holder, n: 1 });
    }
  }
  const carriedInto = new Map<string, number>();
  for (const { holder, n } of inFresh.values()) {
    if (n >= CARRIED_OVER_SHARE * holder.size) carriedInto.set(holder.file, (carriedInto.get(holder.file) ?? 0) + 1);
  }
  for (const [file, n] of carriedInto) if (n >= SAME_STORY_SENTENCES) linked.add(file);
  return linked;
}
