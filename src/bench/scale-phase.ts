/*
 * Child-process entry of the scale bench: measures one phase (scale-types.ts) and sends its figures to the parent.
 * A process per phase, so each starts as a bot process starts (nothing loaded, nothing warm), its memory figures
 * are its own, and a phase that crashes or runs out of its time budget costs only itself.
 * Run as `node --import tsx src/bench/scale-phase.ts '<ScalePhaseTask JSON>'` (scale-run.ts does this).
 */
import { readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Runtime } from '../app/runtime.js';
import { evaluate } from '../eval/evaluate.js';
import { loadQuestions } from '../eval/questions.js';
import type { BuildProgress } from '../index/build.js';
import { loadSnapshot } from '../index/store.js';
import { atNormalPriority } from './build-priority.js';
import { withChildPeakRss } from './child-rss.js';
import { elapsedLog, progressLines } from './elapsed-log.js';
import { measureLatency } from './latency.js';
import { indexFilesMiB, memoryNow } from './memory.js';
import { phaseTimer } from './phases.js';
import type { PhaseFigures, ScalePhaseName, ScalePhaseTask } from './scale-types.js';
import { withLongestStall } from './stall.js';

type Log = (message: string) => void;

async function runtimeFor(task: ScalePhaseTask, corpusDir: string, indexDir: string, log: Log): Promise<Runtime> {
  // Imported here so that a phase that never needs the model (none today) would not pay for onnxruntime.
  const { openRuntime } = await import('../app/runtime.js');
  return openRuntime({ corpusDir, indexDir, model: task.model, modelCacheDir: task.modelCacheDir }, log);
}

/** A rebuild through the runtime's index service (a build process, as for the bot), timed by phase. */
async function timedRebuild(runtime: Runtime, log: Log) {
  const phases = phaseTimer();
  const lines = progressLines(log);
  const onProgress = (p: BuildProgress) => {
    phases.onProgress(p);
    lines(p);
  };
  const started = performance.now();
  const measured = await withChildPeakRss(() => atNormalPriority(() => runtime.index.rebuild(onProgress)));
  const { childPeakMiB, childCpuSeconds, result: { result: summary, raised } } = measured;
  return { summary, ms: performance.now() - started, phases: phases.finish(), childPeakMiB, childCpuSeconds, raised };
}

const measure: { [P in ScalePhaseName]: (task: ScalePhaseTask, log: Log) => Promise<PhaseFigures[P]> } = {
  async build(task, log) {
    // A full build: whatever an earlier run left in the folder goes first.
    await rm(task.indexDir, { recursive: true, force: true });
    const runtime = await runtimeFor(task, task.corpusDir, task.indexDir, log);
    const { summary, ms, phases, childPeakMiB, childCpuSeconds, raised } = await timedRebuild(runtime, log);
    log(`${summary.documents} documents, ${summary.chunks} passages in ${(ms / 1000).toFixed(1)} s`);
    return {
      seconds: ms / 1000,
      documents: summary.documents,
      passages: summary.chunks,
      phases,
      buildPeakMiB: childPeakMiB,
      buildCpuSeconds: childCpuSeconds,
      buildAtNormalPriority: raised,
    };
  },

  async serve(task, log) {
    const runtime = await runtimeFor(task, task.corpusDir, task.indexDir, log);
    const runtimeOnly = memoryNow();
    log('loading the index from disk…');
    const started = performance.now();
    const { result: snapshot, longestStallMs: loadStallMs } = await withLongestStall(() => loadSnapshot(task.indexDir, runtime.embedder));
    const loadMs = performance.now() - started;
    const serving = memoryNow();
    log(`loaded in ${(loadMs / 1000).toFixed(2)} s; RSS ${serving.rssMiB.toFixed(0)} MiB`);
    const questions = await loadQuestions(task.questionsFile);
    log(`latency: ${questions.length} questions, first ask then × ${task.repeat} warm…`);
    const latency = await measureLatency(snapshot, runtime, questions.map((q) => q.q), task.repeat);
    log('eval (hybrid)…');
    const { summary } = await evaluate(snapshot, runtime, questions, 'hybrid');
    return { passages: snapshot.manifest.counts.chunks, runtimeOnly, loadMs, loadStallMs, serving, indexFilesMiB: await indexFilesMiB(task.indexDir), latency, eval: summary };
  },

  async noop(task, log) {
    const runtime = await runtimeFor(task, task.corpusDir, task.indexDir, log);
    await runtime.index.current();
    log('no-op reindex…');
    const started = performance.now();
    const summary = await runtime.index.rebuild();
    return { ms: performance.now() - started, rebuilt: summary.rebuilt };
  },

  async change(task, log) {
    const runtime = await runtimeFor(task, task.corpusDir, task.indexDir, log);
    await runtime.index.current();
    const file = path.join(task.corpusDir, task.editFile);
    // Restored from the seeds, not from the folder: an earlier run stopped between edit and restore leaves no trace.
    const original = await readFile(path.join(task.seedDir, task.editFile), 'utf8');
    await writeFile(file, original);
    if ((await runtime.index.rebuild()).rebuilt) log(`${task.editFile} differed from the seed's text: restored and reindexed first`);
    log(`one article changed (${task.editFile})…`);
    await appendFile(file, '\n\nCorrection: an earlier version of this article misstated the date of the meeting.\n');
    const changed = await timedRebuild(runtime, log);
    log(`changed in ${(changed.ms / 1000).toFixed(1)} s; restoring it…`);
    await writeFile(file, original);
    const restored = await timedRebuild(runtime, log);
    return {
      changedMs: changed.ms,
      changedPhases: changed.phases,
      changedBuildPeakMiB: changed.childPeakMiB,
      changedBuildCpuSeconds: changed.childCpuSeconds,
      restoredMs: restored.ms,
      restoredPhases: restored.phases,
      changedArticles: [changed.summary.changed.length, restored.summary.changed.length],
    };
  },

  async seeds(task, log) {
    await rm(task.seedIndexDir, { recursive: true, force: true });
    const runtime = await runtimeFor(task, task.seedDir, task.seedIndexDir, log);
    const snapshot = await runtime.index.current();
    const { summary } = await evaluate(snapshot, runtime, await loadQuestions(task.questionsFile), 'hybrid');
    return { eval: summary };
  },
};

// Entry point when forked; importing this module measures nothing.
if (process.send && process.argv[2]) {
  const task = JSON.parse(process.argv[2]) as ScalePhaseTask;
  // The bench was stopped (Ctrl-C, kill): nobody would read the figures, and its build process would run on.
  process.once('disconnect', () => process.exit(1));
  measure[task.phase](task as never, elapsedLog(task.runStartedAt, task.phase)).then(
    (figures) => process.send!({ ok: true, figures }, () => process.exit(0)),
    (err: unknown) => process.send!({ ok: false, error: err instanceof Error ? err.message : String(err) }, () => process.exit(1)),
  );
}
