import type { HierarchicalNSW } from 'hnswlib-node';
import { distribution, type Distribution } from './percentiles.js';

/*
 * ANN quality: how many of hnswlib's top k are among the exact top k by cosine. Vectors are unit length, so
 * cosine is a dot product and the exact answer is a brute-force scan over every indexed row.
 */

export interface RecallFigures {
  k: number;
  queries: number;
  /** Mean recall@k over the queries. */
  recall: number;
  /** The worst single query, to show whether misses are spread thin or concentrated. */
  worst: number;
}

export interface EfPoint {
  ef: number;
  recall: number;
  /** Time of one searchKnn asking for `pool` neighbours, as retrieval does, in microseconds. */
  searchUs: Distribution;
}

export function isZero(row: Float32Array): boolean {
  for (let i = 0; i < row.length; i++) if (row[i] !== 0) return false;
  return true;
}

export function rowOf(vectors: Float32Array, dim: number, i: number): Float32Array {
  return vectors.subarray(i * dim, (i + 1) * dim);
}

/** Rows with a vector: zero rows are kept out of hnswlib (no direction), so they are out of the exact scan too. */
export function indexedRows(vectors: Float32Array, dim: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < vectors.length / dim; i++) if (!isZero(rowOf(vectors, dim, i))) rows.push(i);
  return rows;
}

/**
 * `count` rows spread evenly over the indexed ones: deterministic, so two runs query the same passages, and
 * spread over every article rather than the first few.
 */
export function sampleRows(rows: readonly number[], count: number): number[] {
  if (rows.length <= count) return [...rows];
  const step = rows.length / count;
  return Array.from({ length: count }, (_, i) => rows[Math.floor(i * step + step / 2)]);
}

function dotRow(vectors: Float32Array, offset: number, query: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < query.length; j++) sum += vectors[offset + j] * query[j];
  return sum;
}

/** The k-th best exact cosine of `query` over `rows` (the bar an ANN result must reach to count as a hit). */
function kthBestCosine(vectors: Float32Array, dim: number, rows: readonly number[], query: Float32Array, k: number): number {
  // A small sorted buffer beats sorting every score: k is 10, rows are thousands.
  const best: number[] = [];
  for (const row of rows) {
    const score = dotRow(vectors, row * dim, query);
    if (best.length < k) {
      best.push(score);
      best.sort((a, b) => b - a);
    } else if (score > best[k - 1]) {
      best[k - 1] = score;
      best.sort((a, b) => b - a);
    }
  }
  return best[Math.min(k, best.length) - 1];
}

/**
 * The exact k-th best cosine of each query over every indexed row: the bar an ANN result must reach to count as a
 * hit. It does not depend on hnswlib's parameters, so it is computed once and shared by every recall measurement.
 */
export function exactBars(vectors: Float32Array, dim: number, rows: readonly number[], queries: readonly Float32Array[], k: number): number[] {
  const kk = Math.min(k, rows.length);
  return queries.map((query) => kthBestCosine(vectors, dim, rows, query, kk));
}

/**
 * Recall@k, tie-aware: an ANN result counts as a hit when its exact cosine reaches the exact k-th best. Syndicated
 * articles repeat passages word for word, and with identical vectors "which of the tied rows is in the exact top
 * k" is arbitrary; counting labels would call a correct answer a miss.
 */
export function annRecall(
  hnsw: HierarchicalNSW,
  vectors: Float32Array,
  dim: number,
  queries: readonly Float32Array[],
  bars: readonly number[],
  k: number,
): RecallFigures {
  const kk = Math.min(k, hnsw.getCurrentCount());
  const perQuery = queries.map((query, i) => {
    const { neighbors } = hnsw.searchKnn(Array.from(query), kk);
    return neighbors.filter((label) => dotRow(vectors, label * dim, query) >= bars[i] - 1e-6).length / kk;
  });
  return {
    k: kk,
    queries: queries.length,
    recall: perQuery.reduce((a, b) => a + b, 0) / Math.max(1, perQuery.length),
    worst: Math.min(...perQuery),
  };
}

/**
 * Recall and search time at several efSearch values, so the chosen value can be judged against cheaper ones.
 * hnswlib searches with max(ef, neighbours asked for), so values below `pool` behave like `pool` in retrieval.
 * Restores the ef the index came with.
 */
export function efSweep(
  hnsw: HierarchicalNSW,
  restoreEf: number,
  vectors: Float32Array,
  dim: number,
  queries: readonly Float32Array[],
  bars: readonly number[],
  k: number,
  pool: number,
  efs: readonly number[],
): EfPoint[] {
  const asArrays = queries.map((q) => Array.from(q));
  const askFor = Math.min(pool, hnsw.getCurrentCount());
  try {
    return efs.map((ef) => {
      hnsw.setEf(ef);
      const recall = annRecall(hnsw, vectors, dim, queries, bars, k).recall;
      for (const q of asArrays) hnsw.searchKnn(q, askFor); // warm caches before timing
      const times = asArrays.map((q) => {
        const t = performance.now();
        hnsw.searchKnn(q, askFor);
        return (performance.now() - t) * 1000;
      });
      return { ef, recall, searchUs: distribution(times) };
    });
  } finally {
    hnsw.setEf(restoreEf);
  }
}
