/*
 * Child-process entry: measures one corpus end to end and sends the figures to the parent over IPC.
 * Each corpus gets its own process so that maxRSS (process-wide and never decreasing) belongs to that corpus
 * alone, and so that one corpus' heap, JIT state and caches cannot flatter or penalise the other's timings.
 * Run as `node --import tsx src/bench/measure-corpus.ts '<CorpusTask JSON>'` (src/bench/child.ts does this).
 */
import { loadQuestions } from '../eval/questions.js';
import { evaluate, type EvalSummary } from '../eval/evaluate.js';
import { answerQuestion, type AnswerModels } from '../answer/answer.js';
import { loadSnapshot } from '../index/store.js';
import type { RetrievalMode } from '../search/retrieve.js';
import { withChildPeakRss } from './child-rss.js';
import { profileDuring } from './cpu-profile.js';
import { measureLatency } from './latency.js';
import { indexFilesMiB, memoryNow, structureFootprints } from './memory.js';
import { childrenCpuMs, ownCpuMs } from './machine.js';
import { phaseTimer } from './phases.js';
import { withLongestStall } from './stall.js';
import { annRecall, efSweep, exactBars, indexedRows, isZero, rowOf, sampleRows } from './recall.js';
import { measureReindex } from './reindex.js';
import type { CorpusFigures, CorpusTask } from './types.js';

const RECALL_K = 10;
/** Retrieval asks hnswlib for this many neighbours (retrieve.ts' pool); the ef sweep times searches of that size. */
const RETRIEVAL_POOL = 30;
const EF_SWEEP = [30, 48, 64, 96, 128, 200];
const MODES: RetrievalMode[] = ['hybrid', 'vector', 'bm25'];

const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

export async function measureCorpus(task: CorpusTask): Promise<CorpusFigures> {
  const log = (message: string) => process.stderr.write(`[bench ${task.name}] ${message}\n`);

  // Imported here, not at the top, so that loading transformers.js and onnxruntime is timed. The runtime is
  // passed wherever answerQuestion/evaluate expect models: it carries the embedder and the lexicon.
  let t = performance.now();
  const { openRuntime } = await import('../app/runtime.js');
  const importMs = performance.now() - t;
  t = performance.now();
  const runtime = await openRuntime({ corpusDir: task.corpusDir, indexDir: task.indexDir, model: task.model, modelCacheDir: task.modelCacheDir }, log);
  const modelLoadMs = performance.now() - t;
  const afterModelLoad = maxRssMiB();

  log('full build…');
  const phases = phaseTimer();
  t = performance.now();
  const { result: built, childPeakMiB: buildChildPeakMiB } = await withChildPeakRss(() => withLongestStall(() => runtime.index.rebuild(phases.onProgress)));
  const { result: summary, longestStallMs: buildStallMs } = built;
  const buildSeconds = (performance.now() - t) / 1000;
  const buildPhases = phases.finish();
  const afterBuild = maxRssMiB();
  const snapshot = await runtime.index.current();
  // The build's result was just loaded into this process, as a bot loads it: one index, the model, the lexicon.
  const serving = memoryNow();
  const dim = snapshot.manifest.dimension;
  log(`${summary.documents} documents, ${summary.chunks} passages in ${buildSeconds.toFixed(2)} s`);

  const questions = await loadQuestions(task.questionsFile);
  log(`latency: ${questions.length} questions × ${task.repeat}, on the built and on the loaded index…`);
  const texts = questions.map((q) => q.q);
  const builtLatency = await measureLatency(snapshot, runtime, texts, task.repeat);
  const fromDisk = await measureLoadedIndex(task, runtime, texts);
  const latency = { built: builtLatency, loaded: fromDisk.latency };

  log('ANN recall…');
  const rows = indexedRows(snapshot.vectors, dim);
  const questionVectors = (await runtime.embedder.embed(texts)).filter((v) => !isZero(v));
  const passageVectors = sampleRows(rows, task.recallSample).map((i) => rowOf(snapshot.vectors, dim, i));
  const queries = [...questionVectors, ...passageVectors];
  const bars = exactBars(snapshot.vectors, dim, rows, queries, RECALL_K);
  const recall = annRecall(snapshot.hnsw, snapshot.vectors, dim, queries, bars, RECALL_K);
  const sweep = efSweep(snapshot.hnsw, snapshot.manifest.hnsw.efSearch, snapshot.vectors, dim, queries, bars, RECALL_K, RETRIEVAL_POOL, EF_SWEEP);

  log('eval…');
  const evalSummaries: EvalSummary[] = [];
  for (const mode of MODES) evalSummaries.push((await evaluate(snapshot, runtime, questions, mode)).summary);

  log('reindex…');
  const reindex = await measureReindex(runtime.index, task.corpusDir, task.editFile);

  log('memory by structure…');
  const structures = await structureFootprints(task.indexDir, dim);

  return {
    name: task.name,
    label: task.label,
    importMs,
    modelLoadMs,
    rssMiB: { afterModelLoad, afterBuild, end: maxRssMiB() },
    serving,
    indexFilesMiB: await indexFilesMiB(task.indexDir),
    structures,
    questionProfile: fromDisk.questionProfile,
    build: {
      seconds: buildSeconds,
      documents: summary.documents,
      chunks: summary.chunks,
      vectors: snapshot.manifest.counts.vectors,
      chunksPerSecond: summary.chunks / buildSeconds,
      phases: buildPhases,
      longestStallMs: buildStallMs,
      childPeakMiB: buildChildPeakMiB,
    },
    latency,
    hnsw: { ...snapshot.manifest.hnsw },
    recall: { ...recall, questionQueries: questionVectors.length, passageQueries: passageVectors.length },
    efSweep: sweep,
    eval: evalSummaries,
    reindex: { loadFromDiskMs: fromDisk.loadFromDiskMs, loadStallMs: fromDisk.loadStallMs, ...reindex },
    cpuMs: ownCpuMs() + childrenCpuMs(),
  };
}

/**
 * Loads the index from disk as the bot does at start-up, then measures latency and profiles warm asks on it. In a
 * function of its own so that this second copy of the index is garbage once measured: at scale, two at once
 * would double the measuring process's memory.
 */
async function measureLoadedIndex(task: CorpusTask, models: AnswerModels, texts: string[]) {
  const t = performance.now();
  const { result: loaded, longestStallMs: loadStallMs } = await withLongestStall(() => loadSnapshot(task.indexDir, models.embedder));
  const loadFromDiskMs = performance.now() - t;
  const latency = await measureLatency(loaded, models, texts, task.repeat);
  const questionProfile = await profileDuring(async () => {
    for (let r = 0; r < task.repeat; r++) for (const q of texts) await answerQuestion(loaded, models, q);
  });
  return { loadFromDiskMs, loadStallMs, latency, questionProfile };
}

// Entry point when forked; importing this module from elsewhere (tests, other tools) measures nothing.
if (process.send && process.argv[2]) {
  const task = JSON.parse(process.argv[2]) as CorpusTask;
  measureCorpus(task).then(
    (figures) => process.send!({ ok: true, figures }, () => process.exit(0)),
    (err: unknown) => process.send!({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
  );
}
