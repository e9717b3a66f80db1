import type { Embedder } from '../embed/embedder.js';
import { summaryIfUpToDate, type BuildProgress, type BuildSummary } from './build.js';
import { inProcessBuilder, readUsableIndex, type IndexBuilder } from './builder.js';
import { holdLease } from './generation-leases.js';
import { loadCurrentGeneration, releaseGeneration, type LeasedSnapshot } from './generation-loader.js';
import { watchGeneration } from './generation-watcher.js';
import { IndexUnusableError } from './manifest.js';
import type { IndexSnapshot } from './snapshot.js';
import { readPointer } from './store.js';
import { waitForWriter, withWriterLock, WriterLockBusyError } from './writer-lock.js';

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
 *
 * Several processes may serve one index folder (the bot's shards, `npm run index` beside the bot): builds take the
 * folder's writer lock, the generation served is leased so no other process deletes it, and `follow` picks up a
 * generation another process made CURRENT.
 */
export class IndexService {
  private snapshot: IndexSnapshot | null = null;
  /** The lease on the served snapshot's generation folder; null while nothing is served. */
  private lease: LeasedSnapshot['lease'] | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** A CURRENT that could not be loaded: not retried until CURRENT changes again. */
  private refused: string | null = null;
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
        if (!this.snapshot) await this.offer(await this.ready(await this.loadFromDisk()));
        if (!this.snapshot) await this.buildOrWait(onProgress);
        return this.snapshot!;
      } finally {
        this.starting = null;
      }
    })();
    return this.starting;
  }

  /**
   * No usable index here: build one, unless another process (a shard starting at the same time, `npm run index`)
   * is building it already; then wait for that build and load what it wrote.
   */
  private async buildOrWait(onProgress?: (p: BuildProgress) => void): Promise<void> {
    try {
      await (this.rebuilding ?? this.rebuild(onProgress));
    } catch (err) {
      if (!(err instanceof WriterLockBusyError)) throw err;
      this.options.log?.(`${err.message} Waiting for it, then loading what it wrote.`);
      await this.waitForOtherWriter();
      await this.offer(await this.ready(await this.loadFromDisk()));
      if (!this.snapshot) await this.rebuild(onProgress);
    }
  }

  private async ready<T extends LeasedSnapshot | null>(loaded: T): Promise<T> {
    if (loaded && this.options.prepare) await this.options.prepare(loaded.snapshot);
    return loaded;
  }

  /** Serves `loaded` if nothing is served yet (a rebuild may have swapped in a newer one meanwhile). */
  private async offer(loaded: LeasedSnapshot | null): Promise<void> {
    if (!loaded) return;
    if (this.snapshot) await releaseGeneration(this.options.indexDir, loaded.lease);
    else await this.serve(loaded);
  }

  /** Swaps `loaded` in and gives up the previous generation (deleted if no other process uses it). */
  private async serve(loaded: LeasedSnapshot): Promise<void> {
    const previous = this.lease;
    this.snapshot = loaded.snapshot;
    this.lease = loaded.lease;
    if (previous) await releaseGeneration(this.options.indexDir, previous);
  }

  private loadFromDisk(): Promise<LeasedSnapshot | null> {
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
        if (!this.snapshot && !this.diskChecked) await this.offer(await this.ready(await this.loadFromDisk()));
        // One writer per index folder across processes: a second one fails here with WriterLockBusyError.
        return await withWriterLock(this.options.indexDir, async () => {
          // Another process may have written a newer generation (a shard's /reindex or corpus watcher, `npm run
          // index`) that this one has not picked up yet: start from it, so the same change is not built twice.
          if (this.snapshot) await this.pickUp(true);
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
          if (snapshot && snapshot !== this.snapshot) await this.serve(await this.ready(await this.leaseBuilt(snapshot)));
          else if (!snapshot && (summary.rebuilt || !this.snapshot)) await this.serve(await this.ready(await this.loadBuilt(summary, onProgress)));
          // The operator waited for all of it: starting the build, building, and loading the result.
          return { ...summary, seconds: (performance.now() - started) / 1000 };
        });
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

  /** A snapshot built in this process, with a lease on the generation it wrote (CURRENT: we hold the writer lock). */
  private async leaseBuilt(snapshot: IndexSnapshot): Promise<LeasedSnapshot> {
    const generation = await readPointer(this.options.indexDir);
    if (!generation) throw new IndexUnusableError(`The index just built in ${this.options.indexDir} has no pointer.`);
    return { snapshot, lease: await holdLease(this.options.indexDir, generation) };
  }

  /**
   * Picks up a generation that another process (a shard's /reindex, `npm run index`) made CURRENT: loads it beside
   * the served one, readies it, and swaps it in; questions are answered from the served one until then. Resolves
   * to whether it swapped. A generation that cannot be loaded is logged once and the served one stays.
   */
  refresh(): Promise<boolean> {
    // A rebuild here loads its own result; a start-up loads whatever is CURRENT anyway.
    if (!this.snapshot || this.rebuilding || this.starting) return Promise.resolve(false);
    this.refreshing ??= this.pickUp().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** `withinRebuild`: called by this process's own rebuild, under the writer lock (no other swap can race it). */
  private async pickUp(withinRebuild = false): Promise<boolean> {
    const { indexDir, embedder, log } = this.options;
    const pointer = await readPointer(indexDir);
    if (!pointer || pointer === this.lease?.generation || pointer === this.refused) return false;
    let loaded: LeasedSnapshot;
    try {
      loaded = await loadCurrentGeneration(indexDir, embedder);
    } catch (err) {
      if (!(err instanceof IndexUnusableError)) throw err;
      this.refused = pointer;
      log?.(`${err.message} Still answering from the index loaded before.`);
      return false;
    }
    await this.ready(loaded).catch(async (err: unknown) => {
      await releaseGeneration(indexDir, loaded.lease);
      throw err;
    });
    // A rebuild here may have swapped in a newer generation while this one loaded: never go back to an older one.
    if ((this.rebuilding && !withinRebuild) || (await readPointer(indexDir)) !== loaded.lease.generation) {
      await releaseGeneration(indexDir, loaded.lease);
      return false;
    }
    await this.serve(loaded);
    log?.(`Switched to index generation ${loaded.lease.generation}, written by another process.`);
    return true;
  }

  /** Resolves once no other process holds this index folder's writer lock (see WriterLockBusyError). */
  waitForOtherWriter(): Promise<void> {
    return waitForWriter(this.options.indexDir);
  }

  /**
   * Watches the index folder for a new CURRENT and picks it up (see refresh). Returns a function that stops it.
   * Failures are logged, never thrown: the served index stays.
   */
  follow(): () => void {
    return watchGeneration(this.options.indexDir, () => {
      this.refresh().catch((err: unknown) => this.options.log?.(`Could not pick up the new index: ${err instanceof Error ? err.message : String(err)}`));
    });
  }

  /** The generation a build process just wrote, read back with every check a start-up load makes. */
  private async loadBuilt(summary: BuildSummary, onProgress?: (p: BuildProgress) => void): Promise<LeasedSnapshot> {
    onProgress?.({ phase: 'loading', done: 0, total: summary.chunks });
    try {
      return await loadCurrentGeneration(this.options.indexDir, this.options.embedder);
    } catch (err) {
      if (!(err instanceof IndexUnusableError)) throw err;
      throw new IndexUnusableError(`The rebuilt index could not be loaded: ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`);
    }
  }
}
