import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { vectorOf } from '../index/snapshot.js';
import type { Candidate } from './retrieve.js';
import { dot } from './vector-math.js';

/*
 * Syndicated articles repeat the same paragraphs, lightly reworded (seeds 003 and 004 do). Two passages count as
 * the same evidence when they share many word trigrams, or when they come from different articles and their vectors
 * are nearly parallel. Within one article, neighbouring passages share a sentence and the headline the embedder sees,
 * so their vectors are close without them saying the same thing.
 */
const SAME_MEANING_COSINE = 0.92;
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

/** Whether two passages say the same thing: the test above, shared by answers and story clusters. */
export function nearDuplicatePassages(snapshot: IndexSnapshot, a: number, b: number): boolean {
  if (jaccard(passageTrigrams(snapshot, a), passageTrigrams(snapshot, b)) >= SAME_WORDING_JACCARD) return true;
  return snapshot.chunks.fileOf(a) !== snapshot.chunks.fileOf(b) && dot(vectorOf(snapshot, a), vectorOf(snapshot, b)) >= SAME_MEANING_COSINE;
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
