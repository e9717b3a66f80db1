import type { Embedder } from '../embed/embedder.js';
import { buildIndex, type BuildProgress, type BuildSummary } from './build.js';
import { IndexUnusableError } from './manifest.js';
import { loadCurrentGeneration, type GenerationReader, type LeasedSnapshot } from './generation-loader.js';
import type { IndexSnapshot } from './snapshot.js';
import { hasIndex } from './store.js';

export interface BuildRequest {
  corpusDir: string;
  indexDir: string;
  /**
   * The snapshot being served, whose vectors unchanged documents reuse (a build in another process reads the same
   * generation from disk), or null for a full build.
   */
  previous: IndexSnapshot | null;
  onProgress?: (progress: BuildProgress) => void;
  /** Operator-facing one-line messages: skipped files, an unusable previous index. */
  log?: (message: string) => void;
  /** Articles larger than this are skipped; undefined means the loader's default. */
  maxArticleBytes?: number;
}

export interface BuildOutcome {
  summary: BuildSummary;
  /** The new snapshot when the build ran in this process; otherwise the caller loads it from disk. */
  snapshot?: IndexSnapshot;
}

/** Builds a new generation from the corpus and writes it to the index folder (the atomic `CURRENT` swap). */
export interface IndexBuilder {
  build(request: BuildRequest): Promise<BuildOutcome>;
}

/**
 * Builds on this thread with the given embedder. Embedding blocks the event loop for as long as it runs, so the
 * bot builds in a child process instead (child-builder.ts); this one serves tests whose embedders are plain
 * objects that cannot cross a process boundary.
 */
export function inProcessBuilder(embedder: Embedder): IndexBuilder {
  return {
    build({ corpusDir, indexDir, previous, onProgress, log, maxArticleBytes }) {
      return buildIndex({ corpusDir, indexDir, embedder, previous, onProgress, warn: log, maxArticleBytes });
    },
  };
}

/**
 * The current generation on disk, leased by this process (so no other deletes it while it is used), or null (with
 * the reason logged) when there is none or it must not be searched.
 */
export async function readUsableIndex<Loaded = IndexSnapshot>(
  indexDir: string,
  corpusDir: string,
  expected: { modelId: string; dimension: number },
  log: (message: string) => void = () => {},
  read?: GenerationReader<Loaded>,
): Promise<LeasedSnapshot<Loaded> | null> {
  if (!hasIndex(indexDir)) {
    log(`No index in ${indexDir} yet; building it from ${corpusDir}.`);
    return null;
  }
  try {
    return await loadCurrentGeneration(indexDir, expected, read);
  } catch (err) {
    if (!(err instanceof IndexUnusableError)) throw err;
    log(`${err.message} Rebuilding it from ${corpusDir}.`);
    return null;
  }
}
