import type { HierarchicalNSW } from 'hnswlib-node';
import type MiniSearch from 'minisearch';
import type { Chunk } from '../chunk/chunker.js';
import type { Manifest } from './manifest.js';

/**
 * One complete, immutable index: never mutated after it is built or loaded. A rebuild produces a new snapshot
 * and swaps it in, so a search never touches an hnswlib object that is being read or written.
 */
export interface IndexSnapshot {
  readonly manifest: Manifest;
  readonly chunks: readonly Chunk[];
  /** Row i is the unit vector of chunks[i]; an all-zero row means the chunk had no known word. */
  readonly vectors: Float32Array;
  /** Labels are chunk positions; zero vectors are left out. */
  readonly hnsw: HierarchicalNSW;
  readonly keywords: MiniSearch;
}

export function vectorOf(snapshot: IndexSnapshot, chunkIndex: number): Float32Array {
  const dim = snapshot.manifest.dimension;
  return snapshot.vectors.subarray(chunkIndex * dim, (chunkIndex + 1) * dim);
}
