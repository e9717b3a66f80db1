import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { chunkDocument, textToEmbed, type Chunk, type ChunkingOptions } from '../chunk/chunker.js';
import { isRead, type ScannedDocument } from './corpus-scan.js';
import type { Embedder } from '../embed/embedder.js';
import { countArticle, emptyCounts, type StatsCounts } from '../search/corpus-stats.js';
import type { BuildProgress } from './build.js';
import { embedInto, hasDirection } from './embed-passages.js';
import type { PassageWrite } from './generation-db.js';
import type { BuildBase } from './snapshot.js';
import { IndexUnusableError } from './manifest.js';
import { timeStep, type StepTimings } from './step-timings.js';

/*
 * A one-article change applied to the previous generation instead of rebuilding it: the removed and changed
 * articles' passage ids are marked deleted in a copy of its HNSW graph (read from its file, so the graph being
 * searched is never written) and their vector rows zeroed; the new passages get new ids after the highest one,
 * are embedded, and added to the graph; the passage database is copied and the same rows deleted and inserted;
 * the corpus statistics get the new articles' counts and lose the old ones'. Ids are never reused, so a passage
 * keeps its id (its HNSW label) for as long as it lives.
 *
 * Deleted labels still take space and still route searches through the graph. Once they would make up more than
 * MAX_DELETED_SHARE of the ids, the next change is a full build instead, which numbers passages afresh.
 */
export const MAX_DELETED_SHARE = 0.2;

export interface Update {
  vectors: Float32Array;
  hnsw: hnswlib.HierarchicalNSW;
  removed: PassageWrite[];
  added: PassageWrite[];
  counts: StatsCounts;
  /** Passages per article, for the manifest. */
  chunksOf: Map<string, number>;
  /** Vectors marked deleted in the graph, this update's and earlier ones'. */
  deletedVectors: number;
}

/** Whether `previous` can take this change as an update rather than a full build. */
export function canUpdate(previous: BuildBase, gone: readonly string[], addedPassagesGuess: number): boolean {
  let removed = previous.chunks.length - previous.manifest.counts.chunks;
  for (const file of gone) removed += previous.manifest.documents[file]?.chunks ?? 0;
  return removed <= MAX_DELETED_SHARE * (previous.chunks.length + addedPassagesGuess);
}

export async function updateGeneration(
  previous: BuildBase,
  documents: readonly ScannedDocument[],
  change: { gone: readonly string[]; fresh: ReadonlySet<string> },
  embedder: Embedder,
  chunking: ChunkingOptions,
  options: { batchSize?: number; onProgress?: (progress: BuildProgress) => void; timings?: StepTimings },
): Promise<Update> {
  const dim = embedder.dimension;
  const counts = emptyCounts();
  const removed: PassageWrite[] = [];
  for (const file of change.gone) {
    const title = previous.manifest.documents[file]?.title ?? '';
    const passages = previous.chunks.positionsOf(file).map((id) => ({ id, chunk: previous.chunks.get(id), title }));
    removed.push(...passages);
    countArticle(counts, passages.map((p) => p.chunk), title, -1);
  }

  const chunksOf = new Map<string, number>();
  const added: PassageWrite[] = [];
  const toEmbed: Array<{ position: number; text: string }> = [];
  let next = previous.chunks.length;
  for (const doc of documents) {
    if (!change.fresh.has(doc.file)) {
      chunksOf.set(doc.file, previous.chunks.positionsOf(doc.file).length);
      continue;
    }
    // Added or changed articles are always read: an unread one has the hash the manifest gave it.
    if (!isRead(doc)) throw new Error(`${doc.file} changed but its text was not read.`);
    const chunks: Chunk[] = chunkDocument(doc, chunking);
    countArticle(counts, chunks, doc.title);
    chunksOf.set(doc.file, chunks.length);
    for (const chunk of chunks) {
      toEmbed.push({ position: next, text: textToEmbed(chunk, doc) });
      added.push({ id: next++, chunk, title: doc.title });
    }
  }

  const vectors = new Float32Array(next * dim);
  vectors.set(previous.vectors);
  await timeStep(options.timings, 'embed', () => embedInto(vectors, toEmbed, embedder, options));

  options.onProgress?.({ phase: 'indexing', done: 0, total: added.length });
  const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
  await timeStep(options.timings, 'HNSW read', () => hnsw.readIndex(path.join(path.dirname(previous.store.file), 'index.hnsw')));
  const { vectors: live, deletedVectors: deletedBefore } = previous.manifest.counts;
  if (hnsw.getCurrentCount() !== live + deletedBefore) {
    throw new IndexUnusableError(`The previous vector index holds ${hnsw.getCurrentCount()} vectors, but its manifest says ${live + deletedBefore}.`);
  }
  if (hnsw.getMaxElements() < next) hnsw.resizeIndex(Math.max(next, Math.ceil(hnsw.getMaxElements() * 1.25)));
  let deletedVectors = previous.manifest.counts.deletedVectors;
  for (const { id } of removed) {
    if (hasDirection(vectors, id, dim)) {
      hnsw.markDelete(id);
      deletedVectors += 1;
    }
    vectors.fill(0, id * dim, (id + 1) * dim);
  }
  for (const { id } of added) if (hasDirection(vectors, id, dim)) hnsw.addPoint(Array.from(vectors.subarray(id * dim, (id + 1) * dim)), id);
  hnsw.setEf(previous.manifest.hnsw.efSearch);
  return { vectors, hnsw, removed, added, counts, chunksOf, deletedVectors };
}
