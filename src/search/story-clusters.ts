import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { passageTrigrams, wordTrigrams } from './near-duplicates.js';
import { CARRIED_OVER_SHARE } from './story-grouping.js';

/*
 * Which articles report the same story (wire copy re-published with light edits): grouped when the index is built
 * (story-grouping.ts, in the build process) and stored in the manifest, so answering only looks the groups up.
 */

export interface StoryClusters {
  /** Groups of two or more articles (manifest keys), each sorted by date (undated last), then file. */
  clusters: string[][];
  /** Each clustered article's group. */
  clusterOf: Map<string, string[]>;
}

/** The story clusters of a snapshot, as its build grouped them. */
export function storyClusters(snapshot: IndexSnapshot): StoryClusters {
  return derived(snapshot, 'story-clusters', () => {
    const clusters = snapshot.manifest.stories;
    return { clusters, clusterOf: new Map(clusters.flatMap((c) => c.map((f) => [f, c] as const))) };
  });
}

/** The other articles reporting the same story as `file`, in the cluster's order. */
export function sameStory(snapshot: IndexSnapshot, file: string): string[] {
  return (storyClusters(snapshot).clusterOf.get(file) ?? []).filter((f) => f !== file);
}

/** Another article of a citation's story, as readers are shown it. */
export interface OtherReport {
  source: string;
  title: string;
  date: string | null;
}

/**
 * Reports named under one citation at most. Wire copy can be re-published hundreds of times (the generated scale
 * corpus has stories of 30,000 articles): naming them all made a million-passage answer build tens of thousands of
 * entries, and no reader reads past a few. The citation says how many more there are instead.
 */
export const MAX_OTHER_REPORTS = 5;

/** The other reports of `file`'s story, oldest first, leaving out `except` (reports cited in their own right). */
export function otherReports(snapshot: IndexSnapshot, file: string, except: ReadonlySet<string> = new Set()): { named: OtherReport[]; more: number } {
  const others = sameStory(snapshot, file).filter((other) => !except.has(other));
  const named = others.slice(0, MAX_OTHER_REPORTS).map((other) => {
    const { source, title, date } = snapshot.manifest.documents[other];
    return { source, title, date };
  });
  return { named, more: others.length - named.length };
}

/**
 * The best-ranked article of each story, and another report of it only where it shows something the cited one does
 * not: a reader wants different stories before the same one retold, and each kept citation names the other
 * reports instead. But reports of one story are not copies through and through: 003 retells 004's interview and
 * adds Lavrov's own call for a ceasefire and a count of destroyed schools and homes that 004 never gives; dropping
 * 003 whenever 004 ranked first dropped those answers. So a later report gives way only when the sentence it would
 * be quoted for (`shownSentence`, the highlight) is carried over into a report already cited, by story grouping's
 * own test (CARRIED_OVER_SHARE of its word trigrams found anywhere in that article): then the reader would see the
 * same sentence twice.
 */
export function onePerStory<T extends { chunk: number }>(snapshot: IndexSnapshot, ranked: T[], shownSentence: (chunk: number) => string): T[] {
  const { clusterOf } = storyClusters(snapshot);
  const cited = new Map<string[], string[]>();
  return ranked.filter((c) => {
    const file = snapshot.chunks.fileOf(c.chunk)!;
    const cluster = clusterOf.get(file);
    if (!cluster) return true;
    const before = cited.get(cluster);
    if (before?.some((other) => carriedOver(snapshot, shownSentence(c.chunk), other))) return false;
    cited.set(cluster, [...(before ?? []), file]);
    return true;
  });
}

/** Whether `sentence` is carried over into article `file` (story-grouping.ts); one with no trigram but stock phrases is not. */
function carriedOver(snapshot: IndexSnapshot, sentence: string, file: string): boolean {
  const article = derived(snapshot, `article-trigrams:${file}`, () => {
    const all = new Set<string>();
    for (const position of snapshot.chunks.positionsOf(file)) for (const g of passageTrigrams(snapshot, position)) all.add(g);
    return all;
  });
  // Stock phrases ("one of the") are no evidence of copying, here as in grouping (story-stock-phrases.ts).
  const stock = derived(snapshot, 'story-stock-words', () => snapshot.store.storyStockWords());
  const grams = [...wordTrigrams(sentence)].filter((g) => !g.split(' ').every((w) => stock.has(w)));
  let found = 0;
  for (const g of grams) if (article.has(g)) found += 1;
  return grams.length > 0 && found >= CARRIED_OVER_SHARE * grams.length;
}
