import type { Embedder } from '../embed/embedder.js';
import { buildIndex, type BuildProgress, type BuildSummary } from './build.js';
import { IndexUnusableError } from './manifest.js';
import type { IndexSnapshot } from './snapshot.js';
import { hasIndex, loadSnapshot } from './store.js';

export interface IndexServiceOptions {
  corpusDir: string;
  indexDir: string;
  embedder: Embedder;
  /** Operator-facing messages: which index was found unusable and why, skipped files, progress. */
  log?: (message: string) => void;
  /** Articles larger than this are skipped; undefined means the loader's default. */
  maxArticleBytes?: number;
}

/** A rebuild is already under way; a second one is refused rather than queued. */
export class RebuildInProgressError extends Error {
  override name = 'RebuildInProgressError';
}

/**
 * Owns the index that questions are answered from. Searches always read `current`, an immutable snapshot; a
 * rebuild works on new objects and swaps the reference only when they are complete and written to disk.
 */
export class IndexService {
  private snapshot: IndexSnapshot | null = null;
  private rebuilding: Promise<BuildSummary> | null = null;
  private starting: Promise<IndexSnapshot> | null = null;
  private diskChecked = false;

  constructor(private readonly options: IndexServiceOptions) {}

  get embedder(): Embedder {
    return this.options.embedder;
  }

  get isRebuilding(): boolean {
    return this.rebuilding !== null;
  }

  /** The index to answer from: loaded from disk, or built from the corpus when there is none or it is unusable. */
  current(onProgress?: (p: BuildProgress) => void): Promise<IndexSnapshot> {
    if (this.snapshot) return Promise.resolve(this.snapshot);
    // One start-up for all callers that arrive before the index is ready.
    this.starting ??= (async () => {
      try {
        // A rebuild may have swapped in a newer snapshot while this load ran: never overwrite it.
        if (!this.snapshot) {
          const loaded = await this.loadFromDisk();
          this.snapshot ??= loaded;
        }
        if (!this.snapshot) await (this.rebuilding ?? this.rebuild(onProgress));
        return this.snapshot!;
      } finally {
        this.starting = null;
      }
    })();
    return this.starting;
  }

  /** The index on disk, or null (with the reason logged) when there is none or it must not be searched. */
  private async loadFromDisk(): Promise<IndexSnapshot | null> {
    const { indexDir, corpusDir, embedder } = this.options;
    this.diskChecked = true;
    if (!hasIndex(indexDir)) {
      this.log(`No index in ${indexDir} yet; building it from ${corpusDir}.`);
      return null;
    }
    try {
      return await loadSnapshot(indexDir, embedder);
    } catch (err) {
      if (!(err instanceof IndexUnusableError)) throw err;
      this.log(`${err.message} Rebuilding it from ${corpusDir}.`);
      return null;
    }
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  /** Rebuilds from the corpus, reusing vectors of unchanged documents. Throws RebuildInProgressError if one runs. */
  rebuild(onProgress?: (p: BuildProgress) => void): Promise<BuildSummary> {
    if (this.rebuilding) throw new RebuildInProgressError('An index rebuild is already running.');
    this.rebuilding = (async () => {
      try {
        // Load what is on disk first so that unchanged documents keep their vectors.
        if (!this.snapshot && !this.diskChecked) {
          const loaded = await this.loadFromDisk();
          this.snapshot ??= loaded;
        }
        const { snapshot, summary } = await buildIndex({
          corpusDir: this.options.corpusDir,
          indexDir: this.options.indexDir,
          embedder: this.options.embedder,
          previous: this.snapshot,
          onProgress,
          warn: this.options.log,
          maxArticleBytes: this.options.maxArticleBytes,
        });
        this.snapshot = snapshot;
        return summary;
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }
}
