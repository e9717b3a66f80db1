import type { IndexSnapshot } from '../index/snapshot.js';
import type { Candidate } from './retrieve.js';

/** Provisional: tuned once real cosines are measured. */
export const MIN_COSINE = 0.5;

export function isRelevant(_snapshot: IndexSnapshot, _question: string, ranked: Candidate[]): boolean {
  const best = Math.max(...ranked.map((c) => c.cosine));
  return best >= MIN_COSINE;
}
