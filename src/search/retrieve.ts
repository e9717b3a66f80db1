import type { IndexSnapshot } from '../index/snapshot.js';
import { vectorOf } from '../index/snapshot.js';
import { dot } from './vector-math.js';

export type RetrievalMode = 'hybrid' | 'vector' | 'bm25';

export interface Candidate {
  chunk: number;
  /** Cosine between the question and the passage; 0 when either has no vector. */
  cosine: number;
  /** Reciprocal-rank-fusion score: what candidates are ordered by. */
  fused: number;
}

export interface RetrieveOptions {
  mode?: RetrievalMode;
  /** How many candidates each retriever contributes before fusion. */
  pool?: number;
}

// The usual RRF constant: large enough that rank 1 of one list does not drown agreement between both lists.
const RRF_K = 60;

/**
 * Ranks passages for a question by fusing the vector and keyword rankings with reciprocal rank fusion.
 * RRF needs no calibration between cosine and BM25 scales, which differ per query and per corpus.
 */
export function retrieve(snapshot: IndexSnapshot, question: string, queryVector: Float32Array, options: RetrieveOptions = {}): Candidate[] {
  const mode = options.mode ?? 'hybrid';
  const pool = options.pool ?? 30;
  const fused = new Map<number, number>();
  const addRanking = (ranking: number[]) =>
    ranking.forEach((chunk, rank) => fused.set(chunk, (fused.get(chunk) ?? 0) + 1 / (RRF_K + rank + 1)));

  const hasVector = queryVector.some((x) => x !== 0);
  if (mode !== 'bm25' && hasVector) addRanking(vectorRanking(snapshot, queryVector, pool));
  if (mode !== 'vector') addRanking(keywordRanking(snapshot, question, pool));

  return [...fused]
    .map(([chunk, score]) => ({
      chunk,
      fused: score,
      cosine: hasVector ? dot(queryVector, vectorOf(snapshot, chunk)) : 0,
    }))
    .sort((a, b) => b.fused - a.fused || b.cosine - a.cosine || a.chunk - b.chunk);
}

function vectorRanking(snapshot: IndexSnapshot, queryVector: Float32Array, pool: number): number[] {
  const available = snapshot.hnsw.getCurrentCount();
  if (available === 0) return [];
  const { neighbors, distances } = snapshot.hnsw.searchKnn(Array.from(queryVector), Math.min(pool, available));
  // hnswlib returns nearest first for knn, but order explicitly so ties are deterministic.
  return neighbors
    .map((chunk, i) => ({ chunk, distance: distances[i] }))
    .sort((a, b) => a.distance - b.distance || a.chunk - b.chunk)
    .map((n) => n.chunk);
}

function keywordRanking(snapshot: IndexSnapshot, question: string, pool: number): number[] {
  return snapshot.keywords
    .search(question)
    .slice(0, pool)
    .map((r) => r.id as number);
}
