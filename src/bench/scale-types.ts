import type { EvalSummary } from '../eval/evaluate.js';
import type { LatencyFigures } from './latency.js';
import type { MemoryFigures } from './memory.js';

/*
 * One row of the scale table (issue 10): the phases of `npm run bench -- --scale N`, each measured in a process of
 * its own, and the record of a run kept in its work folder so that a later run can measure again what is missing
 * without rebuilding.
 */

/** In the order they run: every phase after `build` measures the index `build` left in the work folder. */
export const SCALE_PHASES = ['build', 'serve', 'noop', 'change', 'seeds'] as const;
export type ScalePhaseName = (typeof SCALE_PHASES)[number];

/** Phases that measure the scale index and so cannot run without one. */
export const NEEDS_INDEX: ReadonlySet<ScalePhaseName> = new Set(['serve', 'noop', 'change']);

export type PhaseTimes = Array<{ phase: string; seconds: number }>;

/** What the parent asks one phase process to measure. */
export interface ScalePhaseTask {
  phase: ScalePhaseName;
  /** The work folder's copy of the scale corpus (the change phase edits one article of it, then restores it). */
  corpusDir: string;
  indexDir: string;
  /** The seed articles: the seeds phase indexes them alone; the change phase restores its article from here. */
  seedDir: string;
  /** Where the seeds phase builds its index (a folder of the work folder). */
  seedIndexDir: string;
  editFile: string;
  model: string;
  modelCacheDir?: string;
  questionsFile: string;
  repeat: number;
  /** Date.now() when the run started: progress lines give the time elapsed since. */
  runStartedAt: number;
}

export interface BuildPhaseFigures {
  /** From the request to the new index served by the measuring process (its load included, as for the bot). */
  seconds: number;
  documents: number;
  passages: number;
  /** starting (build process: model, previous index, reading and chunking the corpus) / embedding / indexing (HNSW, statistics, story grouping) / writing / loading (here). */
  phases: PhaseTimes;
  /** Peak RSS of the build process (its VmHWM), MiB; null where /proc cannot tell. */
  buildPeakMiB: number | null;
  /** CPU time of the build process: it runs at a lower priority, so under load its wall time stretches. */
  buildCpuSeconds: number | null;
  /** Whether the bench could raise the build process to normal priority (build-priority.ts); null: none seen. */
  buildAtNormalPriority: boolean | null;
}

export interface ServePhaseFigures {
  passages: number;
  /** RSS of a process holding the runtime (model, lexicon, WordNet) and no index, after a full GC. */
  runtimeOnly: MemoryFigures;
  /** loadSnapshot, as at a bot's start-up: checksums, manifest, HNSW read, what passages.db keeps in memory. */
  loadMs: number;
  loadStallMs: number;
  /** After the load and a full GC: what a bot serving this index holds. */
  serving: MemoryFigures;
  indexFilesMiB: Record<string, number>;
  /** First pass = each dev question asked once on the freshly loaded index (the first ask); total = warm. */
  latency: LatencyFigures;
  eval: EvalSummary;
}

export interface NoopPhaseFigures {
  ms: number;
  /** True if the no-op reindex built a new generation after all (a finding, not a failure of the bench). */
  rebuilt: boolean;
}

export interface ChangePhaseFigures {
  /** One article edited (a paragraph appended), from the request to the new index served. */
  changedMs: number;
  changedPhases: PhaseTimes;
  changedBuildPeakMiB: number | null;
  changedBuildCpuSeconds: number | null;
  /** The same article restored to the seed's text: a second sample, and the corpus as it was. */
  restoredMs: number;
  restoredPhases: PhaseTimes;
  /** Articles the two updates found changed (1 each when the bench works as meant). */
  changedArticles: [number, number];
}

export interface SeedsPhaseFigures {
  eval: EvalSummary;
}

export interface PhaseFigures {
  build: BuildPhaseFigures;
  serve: ServePhaseFigures;
  noop: NoopPhaseFigures;
  change: ChangePhaseFigures;
  seeds: SeedsPhaseFigures;
}

export interface PhaseRecord<P extends ScalePhaseName = ScalePhaseName> {
  status: 'ok' | 'failed' | 'timeout' | 'skipped';
  /** Why it failed, ran out of time or was skipped: one sentence. */
  message?: string;
  startedAt: string;
  wallSeconds: number;
  /** os.loadavg() (1, 5, 15 min) when the phase started and ended: the machine is shared. */
  loadAverage: { before: number[]; after: number[] };
  /** The code that measured it: `git describe --always --dirty`. */
  commit: string;
  figures?: PhaseFigures[P];
}

export interface ScaleRun {
  scale: number;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string };
  corpus: { documents: number; seeds: number; generateSeconds: number | null; copySeconds: number };
  phases: { [P in ScalePhaseName]?: PhaseRecord<P> };
}
