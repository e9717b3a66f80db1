import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { Candidate } from './retrieve.js';

/*
 * Two passages are the same evidence when they share many word trigrams: within one article, overlapping passages;
 * across articles, a paragraph copied with light edits. Reports of one story are handled first, by story grouping
 * (story-clusters.ts). A test on vectors was dropped: two passages with a cosine of 0.92 or more were taken for one,
 * but averaged word vectors put every report on the same subject that close (the opening passages of two different
 * Lavrov interviews, 000 and 002: 0.929), so an answer lost a whole article to one it did not repeat.
 */
const SAME_WORDING_JACCARD = 0.4;

/** Keeps the best-ranked of each group of near-duplicate passages, until `limit` are kept. */
export function distinctCandidates(snapshot: IndexSnapshot, ranked: Candidate[], limit: number): Candidate[] {
  const kept: Candidate[] = [];
  for (const candidate of ranked) {
    if (kept.length >= limit) break;
    if (!kept.some((k) => nearDuplicatePassages(snapshot, k.chunk, candidate.chunk))) kept.push(candidate);
  }
  return kept;
}

/** Whether two passages say the same thing: the test above. */
export function nearDuplicatePassages(snapshot: IndexSnapshot, a: number, b: number): boolean {
  return jaccard(passageTrigrams(snapshot, a), passageTrigrams(snapshot, b)) >= SAME_WORDING_JACCARD;
}

export function passageTrigrams(snapshot: IndexSnapshot, chunk: number): Set<string> {
  return derived(snapshot, `trigrams:${chunk}`, () => wordTrigrams(snapshot.chunks.get(chunk).text));
}

export function wordTrigrams(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const grams = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) grams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return grams;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared += 1;
  return shared / (a.size + b.size - shared);
}
