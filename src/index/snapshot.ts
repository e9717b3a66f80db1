import type { HierarchicalNSW } from 'hnswlib-node';
import type { Chunk } from '../chunk/chunker.js';
import type { CorpusStats } from '../search/corpus-stats.js';
import type { GenerationDatabase } from './generation-db.js';
import type { Manifest } from './manifest.js';

/**
 * The passages of a snapshot, by id. Ids are the vector index's labels: stable across one-article updates, so an
 * id whose article was removed is a hole (below `length`, unused) rather than a shifted neighbour.
 */
export interface Passages {
  /** One more than the highest id. */
  readonly length: number;
  /** The passage with this id; throws RangeError for an unused id. */
  get(id: number): Chunk;
  /** The article of a passage (kept in memory: date filters and story grouping ask it for many passages). */
  fileOf(id: number): string | undefined;
  /** An article's passage ids, in order. */
  positionsOf(file: string): readonly number[];
}

/**
 * One complete, immutable index: never mutated after it is built or loaded. A rebuild produces a new snapshot
 * and swaps it in, so a search never touches an hnswlib object or a database file that is being written.
 */
export interface IndexSnapshot {
  readonly manifest: Manifest;
  readonly chunks: Passages;
  /** Row i is the unit vector of passage i; an all-zero row means no vector (no known word, or an unused id). */
  readonly vectors: Float32Array;
  /** Labels are passage ids; zero vectors are left out. */
  readonly hnsw: HierarchicalNSW;
  /** The generation's SQLite file: passages, the FTS5 keyword index, corpus statistics. */
  readonly store: GenerationDatabase;
  /** Precomputed by the build for the whole corpus (see corpus-stats.ts). */
  readonly stats: CorpusStats;
}

export function vectorOf(snapshot: Pick<IndexSnapshot, 'manifest' | 'vectors'>, chunkIndex: number): Float32Array {
  const dim = snapshot.manifest.dimension;
  return snapshot.vectors.subarray(chunkIndex * dim, (chunkIndex + 1) * dim);
}

/** The ids in use, ascending. */
export function* passageIds(passages: Passages): Generator<number> {
  for (let id = 0; id < passages.length; id++) if (passages.fileOf(id) !== undefined) yield id;
}

/**
 * What a build reuses of the previous generation: its articles and passages, their vectors and the database file it
 * copies. A served snapshot is one; a build process loads only this much (loadBuildBase).
 */
export type BuildBase = Pick<IndexSnapshot, 'manifest' | 'chunks' | 'vectors' | 'store'>;
