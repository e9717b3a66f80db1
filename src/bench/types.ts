import type { EvalSummary } from '../eval/evaluate.js';
import type { CpuProfileSummary } from './cpu-profile.js';
import type { LatencyFigures } from './latency.js';
import type { MemoryFigures, StructureFootprint } from './memory.js';
import type { EfPoint, RecallFigures } from './recall.js';

/** What the parent asks one child process to measure: one corpus, from model load to reindexing. */
export interface CorpusTask {
  name: 'seeds' | 'distractors';
  label: string;
  /** A private copy: the child edits one article in it. */
  corpusDir: string;
  /** Empty on entry, so the build is a full one. */
  indexDir: string;
  model: string;
  modelCacheDir?: string;
  questionsFile: string;
  repeat: number;
  /** How many passage vectors join the dev question vectors as ANN recall queries. */
  recallSample: number;
  /** File name (in corpusDir) of the article changed for the one-article reindex. */
  editFile: string;
}

export interface BuildFigures {
  seconds: number;
  documents: number;
  chunks: number;
  vectors: number;
  chunksPerSecond: number;
  /** Wall time per build phase as reported through onProgress; "prepare" is corpus reading and chunking. */
  phases: Array<{ phase: string; seconds: number }>;
  /** Longest event-loop stall of the process that answers questions while the build ran (in a child) and loaded. */
  longestStallMs: number;
  /** Peak RSS of the build process (child-rss.ts), in MiB; null where /proc cannot tell. */
  childPeakMiB: number | null;
}

export interface ReindexFigures {
  /** Reading and checking the index from disk, as the bot does at start-up. */
  loadFromDiskMs: number;
  /** Longest event-loop stall during that load. */
  loadStallMs: number;
  noopMs: number;
  noopRebuilt: boolean;
  oneChangedMs: number;
  oneChangedCount: number;
  /** Where the one-article rebuild spends its time (same phases as the full build). */
  oneChangedPhases: Array<{ phase: string; seconds: number }>;
  /** Longest event-loop stall during the one-article rebuild. */
  oneChangedStallMs: number;
  /** Peak RSS of the one-article rebuild's build process, in MiB. */
  oneChangedChildPeakMiB: number | null;
}

export interface CorpusFigures {
  name: CorpusTask['name'];
  label: string;
  /** Importing the runtime module graph (transformers.js, onnxruntime) before openRuntime. */
  importMs: number;
  /** openRuntime: embedder creation, i.e. loading the model from the cache. */
  modelLoadMs: number;
  /** maxRSS of the measuring process after model load, after the full build, and at the end, in MiB; index builds run in processes of their own, not counted here. */
  rssMiB: { afterModelLoad: number; afterBuild: number; end: number };
  build: BuildFigures;
  /**
   * Warm latency twice: on the snapshot the build returned (what the bot serves after /reindex) and on the same
   * index loaded from disk (what it serves after a restart). They differ measurably: see the report.
   */
  latency: { built: LatencyFigures; loaded: LatencyFigures };
  /** The measuring process right after the full build loaded its result: what a bot serving this index holds. */
  serving: MemoryFigures;
  /** Size of each file of the index generation, in MiB. */
  indexFilesMiB: Record<string, number>;
  /** Each index structure's memory, loaded and measured alone (memory.ts). */
  structures: StructureFootprint[];
  /** CPU profile of warm asks on the index loaded from disk (cpu-profile.ts). */
  questionProfile: CpuProfileSummary;
  hnsw: { m: number; efConstruction: number; efSearch: number };
  recall: RecallFigures & { questionQueries: number; passageQueries: number };
  efSweep: EfPoint[];
  eval: EvalSummary[];
  reindex: ReindexFigures;
  /** CPU time the measuring process and its index build processes used, for the machine-noise estimate. */
  cpuMs: number;
}

export interface ModelBuildFigures {
  ms: number;
  rssMiB: number;
  /** CPU time the measuring process used, for the machine-noise estimate. */
  cpuMs: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  memoryGiB: number;
  /** Share of the machine's CPU that other processes used while the bench ran (see machine.ts); 0.1 is a lot. */
  othersCpuShareDuringRun: number;
  /** machine.ts' fixed workload timed before and after the measurements, in ms: the machine's speed that day. */
  calibration: { beforeMs: number; afterMs: number };
}

export interface TargetCheck {
  corpus: string;
  measure: string;
  figure: string;
  target: string;
  met: boolean;
}

export interface BenchReport {
  startedAt: string;
  machine: Machine;
  model: string;
  questionsFile: string;
  repeat: number;
  modelFirstBuild: ModelBuildFigures | null;
  corpora: CorpusFigures[];
  targets: TargetCheck[];
}
