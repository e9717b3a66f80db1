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
  const kept: Array<{ candidate: Candidate; trigrams: Set<string> }> = [];
  for (const candidate of ranked) {
    if (kept.length >= limit) break;
    const trigrams = derived(snapshot, `trigrams:${candidate.chunk}`, () => wordTrigrams(snapshot.chunks[candidate.chunk].text));
    const file = snapshot.chunks[candidate.chunk].file;
    const duplicate = kept.some(
      (k) =>
        jaccard(k.trigrams, trigrams) >= SAME_WORDING_JACCARD ||
        (snapshot.chunks[k.candidate.chunk].file !== file &&
          dot(vectorOf(snapshot, k.candidate.chunk), vectorOf(snapshot, candidate.chunk)) >= SAME_MEANING_COSINE),
    );
    if (!duplicate) kept.push({ candidate, trigrams });
  }
  return kept.map((k) => k.candidate);
}

function wordTrigrams(text: string): Set<string> {
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
