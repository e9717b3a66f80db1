import hnswlib from 'hnswlib-node';
import { chunkDocument, chunkPositionsByFile, DEFAULT_CHUNKING, textToEmbed, type Chunk, type ChunkingOptions } from '../chunk/chunker.js';
import type { SkippedFile } from '../corpus/document.js';
import { DEFAULT_MAX_ARTICLE_BYTES } from '../corpus/loader.js';
import { isRead, scanCorpus, type ScannedDocument } from './corpus-scan.js';
import { corpusUnchangedOnDisk } from './unchanged-on-disk.js';
import type { Embedder } from '../embed/embedder.js';
import { countArticle, emptyCounts, type StatsCounts } from '../search/corpus-stats.js';
import { groupStories, numberedArticles } from '../search/story-grouping.js';
import { previousStories, regroupStories } from '../search/story-regrouping.js';
import { byArticle, storySentences } from '../search/story-sentences.js';
import { loadStockWords } from '../search/story-stock-phrases.js';
import { DEFAULT_HNSW, MANIFEST_VERSION, type HnswParameters, type Manifest, type ManifestDocument } from './manifest.js';
import { vectorOf, type BuildBase, type IndexSnapshot } from './snapshot.js';
import { embedInto, hasDirection } from './embed-passages.js';
import { openWritten, writeGeneration, type GenerationContent } from './store.js';
import { canUpdate, updateGeneration } from './update.js';
import { timeStep, type StepTimings } from './step-timings.js';

export interface BuildProgress {
  /**
   * `starting`: the build process loads its model and the previous index; `embedding`, `indexing`, `writing`: the
   * build itself; `loading`: the process that answers questions loads the finished index before swapping it in.
   */
  phase: 'starting' | 'embedding' | 'indexing' | 'writing' | 'loading';
  done: number;
  total: number;
}

export interface BuildSummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  skipped: SkippedFile[];
  documents: number;
  chunks: number;
  /** False when nothing changed and the existing index was kept as it is. */
  rebuilt: boolean;
  seconds: number;
}

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  embedder: Embedder;
  /** The index currently in use; its vectors are reused for documents whose content hash is unchanged. */
  previous?: BuildBase | null;
  chunking?: ChunkingOptions;
  hnsw?: HnswParameters;
  batchSize?: number;
  onProgress?: (progress: BuildProgress) => void;
  warn?: (message: string) => void;
  /** Articles larger than this are skipped; undefined means the loader's default. */
  maxArticleBytes?: number;
  /** Filled with milliseconds per step when given (benchmarks). */
  timings?: StepTimings;
}

/** Builds (or updates) the index and writes it as the new generation; resolves to it, opened, and what changed. */
export async function buildIndex(options: BuildOptions & { previous?: IndexSnapshot | null }): Promise<{ snapshot: IndexSnapshot; summary: BuildSummary }> {
  const { summary, open } = await buildGeneration(options);
  // Nothing changed: the previous snapshot stays.
  if (!open) return { snapshot: options.previous!, summary };
  return { snapshot: await timeStep(options.timings, 'open new generation', open), summary };
}

/**
 * Like buildIndex, but leaves opening the new generation to the caller: a build process does not serve what it
 * wrote, and opening reads every passage's article and the corpus statistics (0.15–0.28 s at 30k passages).
 */
export async function buildGeneration(options: BuildOptions): Promise<{ summary: BuildSummary; open: (() => Promise<IndexSnapshot>) | null }> {
  const started = performance.now();
  const { embedder, previous = null } = options;
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const hnswParams = options.hnsw ?? DEFAULT_HNSW;
  const { timings } = options;
  const plan = await timeStep(timings, 'corpus scan', () =>
    planBuild(options.corpusDir, previous, embedder, chunking, hnswParams, options.warn, options.maxArticleBytes),
  );
  const { documents, skipped, changes, reusable } = plan;
  const elapsed = () => (performance.now() - started) / 1000;

  const unchanged = unchangedSummary(plan, elapsed());
  if (unchanged) return { open: null, summary: unchanged };

  const gone = [...changes.removed, ...changes.changed];
  const fresh = new Set([...changes.added, ...changes.changed]);
  let content: GenerationContent;
  let chunksOf: ReadonlyMap<string, number>;
  let regroup: (documents: Record<string, ManifestDocument>) => Promise<string[][]>;
  let deletedVectors = 0;
  if (reusable && canUpdate(reusable, gone, 0)) {
    const update = await timeStep(timings, 'update (embed, HNSW read, HNSW change)', () =>
      updateGeneration(reusable, documents, { gone, fresh }, embedder, chunking, options),
    );
    const { vectors, hnsw, removed, added, counts } = update;
    const stock = reusable.store.storyStockWords();
    const stories = { removed: storySentences(byArticle(removed), stock), added: storySentences(byArticle(added), stock) };
    content = { vectors, hnsw, passages: { base: reusable.store.file, removed, added, counts, stories } };
    ({ chunksOf, deletedVectors } = update);
    regroup = (manifestDocuments) => regroupStories(previousStories(reusable), { gone: new Set(gone), fresh: stories.added, stock }, manifestDocuments);
  } else {
    const { chunks, vectors } = await embedDocuments(documents, reusable, embedder, chunking, options);
    options.onProgress?.({ phase: 'indexing', done: 0, total: chunks.length });
    const hnsw = await buildHnsw(vectors, embedder.dimension, chunks.length, hnswParams);
    const titles = new Map(documents.map((d) => [d.file, d.title]));
    const added = chunks.map((chunk, id) => ({ id, chunk, title: titles.get(chunk.file) ?? '' }));
    const stock = await loadStockWords();
    const sentences = storySentences(numberedArticles(chunks), stock);
    const stories = { removed: null, added: sentences, stock };
    content = { vectors, hnsw, passages: { base: null, removed: [], added, counts: countArticles(chunks, titles), stories } };
    chunksOf = new Map([...chunkPositionsByFile(chunks)].map(([file, positions]) => [file, positions.length]));
    regroup = (manifestDocuments) => groupStories(chunks, manifestDocuments, sentences);
  }

  const manifestDocuments: Record<string, ManifestDocument> = {};
  for (const d of documents) {
    const { source, title, date, url, hash, size, mtimeMs } = d;
    manifestDocuments[d.file] = { source, title, date, url, hash, chunks: chunksOf.get(d.file) ?? 0, ...(size !== undefined && mtimeMs !== undefined ? { size, mtimeMs } : {}) };
  }
  const chunkCount = Object.values(manifestDocuments).reduce((sum, d) => sum + d.chunks, 0);
  // In the build process, off the thread that answers; after a one-article change, from the previous groups.
  const stories = await timeStep(timings, 'story grouping', () => regroup(manifestDocuments));
  options.onProgress?.({ phase: 'writing', done: 0, total: 1 });
  const vectorCount = content.hnsw.getCurrentCount() - deletedVectors;
  const written = await writeGeneration(options.indexDir, content, {
    version: MANIFEST_VERSION,
    model: embedder.modelId,
    dimension: embedder.dimension,
    chunking,
    hnsw: hnswParams,
    documents: manifestDocuments,
    counts: { documents: documents.length, chunks: chunkCount, vectors: vectorCount, deletedVectors },
    stories,
    builtAt: new Date().toISOString(),
    buildSeconds: elapsed(),
  }, timings);
  return {
    open: () => openWritten(written, content),
    summary: { ...changes, skipped, documents: documents.length, chunks: chunkCount, rebuilt: true, seconds: elapsed() },
  };
}

/**
 * The summary of a reindex of `previous` if it would change nothing (same articles, same settings), else null.
 * Compares the articles' sizes and modification times with the manifest first (unchanged-on-disk.ts); reads and
 * hashes the corpus only when they differ or cannot be trusted. Embeds nothing: a caller can skip starting a build
 * for a no-op reindex.
 */
export async function summaryIfUpToDate(options: {
  corpusDir: string;
  previous: Pick<BuildBase, 'manifest'>;
  model: ModelIdentity;
  warn?: (message: string) => void;
  maxArticleBytes?: number;
}): Promise<BuildSummary | null> {
  const started = performance.now();
  const { corpusDir, previous, model, warn, maxArticleBytes } = options;
  const compatible = isCompatible(previous.manifest, model, DEFAULT_CHUNKING, DEFAULT_HNSW);
  if (compatible && (await corpusUnchangedOnDisk(corpusDir, previous.manifest, maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES))) {
    const { documents, chunks } = previous.manifest.counts;
    const seconds = (performance.now() - started) / 1000;
    return { added: [], changed: [], removed: [], unchanged: documents, skipped: [], documents, chunks, rebuilt: false, seconds };
  }
  const plan = await planBuild(corpusDir, previous, model, DEFAULT_CHUNKING, DEFAULT_HNSW, warn, maxArticleBytes);
  return unchangedSummary(plan, (performance.now() - started) / 1000);
}

type ModelIdentity = Pick<Embedder, 'modelId' | 'dimension'>;

/** The corpus as it is now, compared with the previous index, whose vectors are reusable only under the same settings. */
async function planBuild<Previous extends Pick<BuildBase, 'manifest'>>(
  corpusDir: string,
  previous: Previous | null,
  model: ModelIdentity,
  chunking: ChunkingOptions,
  hnsw: HnswParameters,
  warn?: (message: string) => void,
  maxArticleBytes?: number,
) {
  const reusable = previous && isCompatible(previous.manifest, model, chunking, hnsw) ? previous : null;
  // Articles unchanged since the reusable index read them are not read again: their vectors and passages are reused.
  const { documents, skipped } = await scanCorpus(corpusDir, reusable?.manifest ?? null, warn, maxArticleBytes);
  const changes = diffDocuments(previous?.manifest.documents ?? {}, documents);
  return { documents, skipped, changes, reusable };
}

function unchangedSummary(plan: Awaited<ReturnType<typeof planBuild<Pick<BuildBase, 'manifest'>>>>, seconds: number): BuildSummary | null {
  const { documents, skipped, changes, reusable } = plan;
  if (!reusable || changes.added.length + changes.changed.length + changes.removed.length > 0) return null;
  return { ...changes, skipped, documents: documents.length, chunks: reusable.manifest.counts.chunks, rebuilt: false, seconds };
}

function isCompatible(manifest: Manifest, embedder: ModelIdentity, chunking: ChunkingOptions, hnsw: HnswParameters): boolean {
  return (
    manifest.model === embedder.modelId &&
    manifest.dimension === embedder.dimension &&
    JSON.stringify(manifest.chunking) === JSON.stringify(chunking) &&
    JSON.stringify(manifest.hnsw) === JSON.stringify(hnsw)
  );
}

function diffDocuments(before: Record<string, ManifestDocument>, now: readonly ScannedDocument[]) {
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const d of now) {
    const old = before[d.file];
    if (!old) added.push(d.file);
    else if (old.hash !== d.hash) changed.push(d.file);
    else unchanged += 1;
  }
  const present = new Set(now.map((d) => d.file));
  const removed = Object.keys(before).filter((file) => !present.has(file));
  return { added, changed, removed, unchanged };
}

/** Chunks every document; vectors of unchanged documents are copied from the previous index, the rest embedded. */
async function embedDocuments(
  documents: readonly ScannedDocument[],
  reusable: BuildBase | null,
  embedder: Embedder,
  chunking: ChunkingOptions,
  options: BuildOptions,
): Promise<{ chunks: Chunk[]; vectors: Float32Array }> {
  const chunks: Chunk[] = [];
  const reusedFrom: Array<number | null> = [];
  const toEmbed: Array<{ position: number; text: string }> = [];
  for (const doc of documents) {
    const old = reusable?.manifest.documents[doc.file]?.hash === doc.hash ? reusable.chunks.positionsOf(doc.file) : undefined;
    if (old?.length) {
      for (const i of old) {
        chunks.push(reusable!.chunks.get(i));
        reusedFrom.push(i);
      }
      continue;
    }
    // Not read, because unchanged since the reusable index read it: no passages then, none now (same text, same chunking).
    if (!isRead(doc)) continue;
    for (const chunk of chunkDocument(doc, chunking)) {
      toEmbed.push({ position: chunks.length, text: textToEmbed(chunk, doc) });
      chunks.push(chunk);
      reusedFrom.push(null);
    }
  }

  const dim = embedder.dimension;
  const vectors = new Float32Array(chunks.length * dim);
  reusedFrom.forEach((old, position) => {
    if (old !== null) vectors.set(vectorOf(reusable!, old), position * dim);
  });
  await embedInto(vectors, toEmbed, embedder, options);
  return { chunks, vectors };
}

/** Insertions between yields to the event loop, so a bot stays responsive while it rebuilds a large index. */
const INSERTS_PER_YIELD = 1000;

async function buildHnsw(vectors: Float32Array, dim: number, count: number, params: HnswParameters) {
  const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
  hnsw.initIndex({ maxElements: Math.max(1, count), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % INSERTS_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
    if (hasDirection(vectors, i, dim)) hnsw.addPoint(Array.from(vectors.subarray(i * dim, (i + 1) * dim)), i);
  }
  hnsw.setEf(params.efSearch);
  return hnsw;
}

/** The corpus statistics of all articles, each counted over its passages in order. */
function countArticles(chunks: readonly Chunk[], titles: ReadonlyMap<string, string>): StatsCounts {
  const counts = emptyCounts();
  for (const [file, positions] of chunkPositionsByFile(chunks)) {
    countArticle(counts, positions.map((p) => chunks[p]), titles.get(file) ?? '');
  }
  return counts;
}
