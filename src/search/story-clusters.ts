import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';

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

/** The other reports of `file`'s story, oldest first. */
export function otherReports(snapshot: IndexSnapshot, file: string): OtherReport[] {
  return sameStory(snapshot, file).map((other) => {
    const { source, title, date } = snapshot.manifest.documents[other];
    return { source, title, date };
  });
}

/**
 * The best-ranked article of each story, the others dropped: a reader wants different stories before the same
 * one retold, and each kept citation names the other reports instead.
 */
export function onePerStory<T extends { chunk: number }>(snapshot: IndexSnapshot, ranked: T[]): T[] {
  const { clusterOf } = storyClusters(snapshot);
  const seen = new Set<string[]>();
  return ranked.filter((c) => {
    const cluster = clusterOf.get(snapshot.chunks.fileOf(c.chunk)!);
    if (!cluster) return true;
    if (seen.has(cluster)) return false;
    seen.add(cluster);
    return true;
  });
}
