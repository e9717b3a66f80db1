import type { IndexSnapshot } from '../index/snapshot.js';
import { vectorOf } from '../index/snapshot.js';
import type { Candidate } from './retrieve.js';
import { inRange, type TimeIntent } from './time.js';
import { dot } from './vector-math.js';

/*
 * "news from November 2024", "what happened last week", "latest news", "what's new": a question that names a time
 * and nothing else asks for the articles of that time, newest first, the way a reader browses a news desk. No word
 * of it can be looked for, so there is no coverage to weigh: each article of the time is cited by its opening
 * passage (a news report's lead says what it is about), and counts as covering the question. Undated articles
 * cannot be placed in any time, so they are never offered here (a question with words still finds them).
 */

/** The question names a time and no topic: browse by date (see above). */
export function browsesByTime(time: TimeIntent, totalWeight: number): boolean {
  return totalWeight === 0 && (time.range !== null || time.newestFirst);
}

/** The opening passages of the newest `limit` articles dated within the question's time, newest first. */
export function articlesOfTime(snapshot: IndexSnapshot, time: TimeIntent, queryVector: Float32Array, limit: number): Candidate[] {
  const dated = Object.entries(snapshot.manifest.documents)
    .filter(([, d]) => d.date !== null && (time.range === null || inRange(d.date, time.range)) && d.chunks > 0)
    .sort(([fa, a], [fb, b]) => b.date!.localeCompare(a.date!) || fa.localeCompare(fb))
    .slice(0, limit);
  const hasVector = queryVector.some((x) => x !== 0);
  return dated.map(([file], rank) => {
    const chunk = snapshot.chunks.positionsOf(file)[0];
    const cosine = hasVector ? dot(queryVector, vectorOf(snapshot, chunk)) : 0;
    return { chunk, cosine, coverage: 1, evidence: { coverage: 1, decisive: 1, matches: [] }, score: limit - rank, undated: false, unnamed: [] };
  });
}
