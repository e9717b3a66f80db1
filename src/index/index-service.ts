import type { Embedder } from '../embed/embedder.js';
import { summaryIfUpToDate, type BuildProgress, type BuildSummary } from './build.js';
import { inProcessBuilder, readUsableIndex, type IndexBuilder } from './builder.js';
import { IndexUnusableError } from './manifest.js';
import type { IndexSnapshot } from './snapshot.js';
import { loadSnapshot } from './store.js';

export interface IndexServiceOptions {
  corpusDir: string;
  indexDir: string;
  /** Questions are embedded with this model; an index built by any other is rebuilt, never searched. */
  embedder: Embedder;
  /** Where builds run. Default: in this process with `embedder`; the runtime builds in a child process. */
  builder?: IndexBuilder;
  /** Operator-facing messages: which index was found unusable and why, skipped files, progress. */
  log?: (message: string) => void;
  /** Articles larger than this are skipped; undefined means the loader's default. */
  maxArticleBytes?: number;
  /**
   * Readies a snapshot's lookups (corpus statistics) before it is served, in slices, so the first question after a
   * load or a rebuild does not stall the bot; the previous snapshot answers meanwhile.
   */
  prepare?: (snapshot: IndexSnapshot) => Promise<unknown>;
}

/** A rebuild is already under way; a second one is refused rather than queued. */
export class RebuildInProgressError extends Error {
  override name = 'RebuildInProgressError';
}

/**
 * Owns the index that questions are answered from. Searches always read `current`, an immutable snapshot; a
 * rebuild produces a new generation on disk (in a child process for the bot) and the reference is swapped only
 * once that generation has been loaded completely. A failed rebuild leaves the old snapshot in place.
 */
export class IndexService {
  private snapshot: IndexSnapshot | null = null;
  private rebuilding: Promise<BuildSummary> | null = null;
  private starting: Promise<IndexSnapshot> | null = null;
  private diskChecked = false;
  private readonly builder: IndexBuilder;

  constructor(private readonly options: IndexServiceOptions) {
    this.builder = options.builder ?? inProcessBuilder(options.embedder);
  }

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
          const loaded = await this.ready(await this.loadFromDisk());
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

  private async ready<T extends IndexSnapshot | null>(snapshot: T): Promise<T> {
    if (snapshot && this.options.prepare) await this.options.prepare(snapshot);
    return snapshot;
  }

  private loadFromDisk(): Promise<IndexSnapshot | null> {
    this.diskChecked = true;
    return readUsableIndex(this.options.indexDir, this.options.corpusDir, this.options.embedder, this.options.log);
  }

  /**
   * Rebuilds from the corpus, reusing vectors of unchanged documents, and swaps the result in. Throws
   * RebuildInProgressError if one runs; rejects (old snapshot kept) if the build or loading its result fails.
   */
  rebuild(onProgress?: (p: BuildProgress) => void): Promise<BuildSummary> {
    if (this.rebuilding) throw new RebuildInProgressError('An index rebuild is already running.');
    const started = performance.now();
    this.rebuilding = (async () => {
      try {
        // What is on disk first: a reindex that changes nothing needs no build, and unchanged documents keep
        // their vectors.
        if (!this.snapshot && !this.diskChecked) {
          const loaded = await this.ready(await this.loadFromDisk());
          this.snapshot ??= loaded;
        }
        const unchanged = this.snapshot && (await this.upToDate(this.snapshot));
        if (unchanged) return { ...unchanged, seconds: (performance.now() - started) / 1000 };
        const { summary, snapshot } = await this.builder.build({
          corpusDir: this.options.corpusDir,
          indexDir: this.options.indexDir,
          previous: this.snapshot,
          onProgress,
          log: this.options.log,
          maxArticleBytes: this.options.maxArticleBytes,
        });
        if (snapshot) this.snapshot = await this.ready(snapshot);
        else if (summary.rebuilt || !this.snapshot) this.snapshot = await this.ready(await this.loadBuilt(summary, onProgress));
        // The operator waited for all of it: starting the build, building, and loading the result.
        return { ...summary, seconds: (performance.now() - started) / 1000 };
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }

  /**
   * A reindex that would change nothing, answered without starting a build (a process start and a model load). Its
   * warnings (skipped files) are passed on only then: otherwise the build reads the corpus again and gives them,
   * and it reports any error reading it too.
   */
  private async upToDate(current: IndexSnapshot): Promise<BuildSummary | null> {
    const warnings: string[] = [];
    const { corpusDir, embedder: model, maxArticleBytes } = this.options;
    const warn = (message: string) => warnings.push(message);
    const summary = await summaryIfUpToDate({ corpusDir, previous: current, model, warn, maxArticleBytes }).catch(() => null);
    if (summary) for (const warning of warnings) this.options.log?.(warning);
    return summary;
  }

  /** The generation a build process just wrote, read back with every check a start-up load makes. */
  private async loadBuilt(summary: BuildSummary, onProgress?: (p: BuildProgress) => void): Promise<IndexSnapshot> {
    onProgress?.({ phase: 'loading', done: 0, total: summary.chunks });
    try {
      return await loadSnapshot(this.options.indexDir, this.options.embedder);
    } catch (err) {
      if (!(err instanceof IndexUnusableError)) throw err;
      throw new IndexUnusableError(`The rebuilt index could not be loaded: ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`);
    }
  }
}
