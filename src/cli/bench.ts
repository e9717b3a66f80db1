import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { coreSettingsFromEnv } from '../app/settings.js';
import { runChild } from '../bench/child.js';
import { firstArticle, prepareCorpora } from '../bench/corpora.js';
import { runScaleBench } from '../bench/scale-run.js';
import { renderScaleRun } from '../bench/scale-table.js';
import { SCALE_PHASES, type ScalePhaseName } from '../bench/scale-types.js';
import { calibrationMs, cpuCounters, describeMachine, othersCpuShare, ownCpuMs } from '../bench/machine.js';
import { checkTargets } from '../bench/targets.js';
import { renderReport } from '../bench/table.js';
import type { BenchReport, CorpusFigures, CorpusTask, ModelBuildFigures } from '../bench/types.js';
import { OFFLINE_MODEL_ID } from '../embed/offline-model.js';
import { loadQuestions } from '../eval/questions.js';
import { exitOnFailure, parseOrExit, positiveInt, stderrLine, usageError } from './common.js';

/** The bench runs offline: always the model the project builds itself, whatever EMBEDDING_MODEL says. */
const MODEL = OFFLINE_MODEL_ID;
/** Enough warm samples for a p95 that is not just the second-worst value. */
const MIN_LATENCY_SAMPLES = 200;
/** Passage vectors added to the dev questions as ANN recall queries. */
const RECALL_PASSAGE_QUERIES = 200;

interface BenchFlags {
  json?: string;
  questions: string;
  repeat?: number;
  corpus: string;
  modelBuild: boolean;
  keep?: boolean;
  cpuProfDir?: string;
  scale?: number;
  reuse?: string;
  phases?: ScalePhaseName[];
  budget: number;
}

/** A phase of a 1M-passage run may take an hour on a busy 2-core machine; past two, something is wrong. */
const DEFAULT_BUDGET_MINUTES = 120;

function phaseList(value: string): ScalePhaseName[] {
  const names = value.split(',').map((p) => p.trim());
  const unknown = names.filter((p) => !(SCALE_PHASES as readonly string[]).includes(p));
  if (unknown.length || names.length === 0) throw new InvalidArgumentError(`phases are ${SCALE_PHASES.join(', ')} (comma-separated).`);
  return names as ScalePhaseName[];
}

const command = new Command('bench')
  .description('Measure model load, index build, memory, retrieval latency, reindexing, ANN recall and eval on the seeds and on seeds + 500 Brown distractors (or a generated scale corpus).')
  .option('--json <file>', 'also write the figures as JSON to FILE')
  .option('--questions <file>', 'questions (JSONL, as for eval)', 'eval/dev.jsonl')
  .addOption(new Option('--repeat <n>', `passes over the questions for latency (default: enough for ${MIN_LATENCY_SAMPLES} samples)`).argParser(positiveInt(10_000)))
  .option('--corpus <dir>', 'seed articles (only read; copied to a temporary folder)', 'corpus')
  .option('--no-model-build', 'skip timing the offline model build in an empty cache')
  .option('--keep', 'keep the temporary corpora and indexes (their folder is printed; with --scale, measure it again with --reuse)')
  .option('--cpu-prof-dir <dir>', 'write a V8 CPU profile of each measuring process to DIR')
  .addOption(
    new Option('--scale <documents>', 'one row of the scale table for a generated corpus of the seeds + this many articles (~7.6 passages each; cached in .cache/scale/): build, serve, no-op reindex, one article changed, seeds alone, each a process with a time budget')
      .argParser(positiveInt(1_000_000)),
  )
  .option('--reuse <dir>', 'with --scale: the work folder of an earlier --keep run; measures its index again, running only the phases not yet recorded there (or those --phases names)')
  .addOption(new Option('--phases <list>', `with --scale: run only these phases, comma-separated: ${SCALE_PHASES.join(', ')}`).argParser(phaseList))
  .addOption(new Option('--budget <minutes>', 'with --scale: time budget of each phase; a phase past it is stopped and reported as such').argParser(positiveInt(24 * 60)).default(DEFAULT_BUDGET_MINUTES))
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text.split('\n')[0] + '\n') });
parseOrExit(command);
const flags = command.opts<BenchFlags>();

try {
  const questions = await loadQuestions(flags.questions);
  if (questions.length === 0) throw new Error(`${flags.questions} holds no questions.`);
  const repeat = flags.repeat ?? Math.ceil(MIN_LATENCY_SAMPLES / questions.length);
  if ((flags.reuse || flags.phases) && !flags.scale) usageError('--reuse and --phases go with --scale.');
  if (flags.scale) {
    const { run } = await runScaleBench({
      scale: flags.scale,
      seedDir: flags.corpus,
      questionsFile: flags.questions,
      repeat,
      editFile: await firstArticle(flags.corpus),
      model: MODEL,
      modelCacheDir: coreSettingsFromEnv().modelCacheDir,
      reuse: flags.reuse && path.resolve(flags.reuse),
      keep: flags.keep ?? false,
      phases: flags.phases,
      budgetMinutes: flags.budget,
    });
    process.stdout.write(renderScaleRun(run));
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(run, null, 2)}
`);
    process.exit(0);
  }
  const execArgv = flags.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(flags.cpuProfDir)] : [];
  // Memory after load is read after a full collection, so it counts what is held, not what is not yet collected.
  const measureArgv = ['--expose-gc', ...execArgv];
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-bench-'));
  const startedAt = new Date().toISOString();
  calibrationMs(); // once untimed, so both timed calls run compiled code
  const calibrationBeforeMs = calibrationMs();
  const countersBefore = cpuCounters();
  const ownCpuBefore = ownCpuMs();
  try {
    // Children run one after another: on a 2-core machine two at once would measure each other.
    let modelFirstBuild: ModelBuildFigures | null = null;
    if (flags.modelBuild) {
      stderrLine('[bench] offline model first build in an empty cache…');
      modelFirstBuild = await runChild<ModelBuildFigures>(new URL('../bench/model-build.ts', import.meta.url), [path.join(workDir, 'model-cache')], { execArgv });
    }
    stderrLine(`[bench] preparing corpora in ${workDir}…`);
    const prepared = await prepareCorpora(flags.corpus, workDir);
    const editFile = await firstArticle(flags.corpus);
    const corpora: CorpusFigures[] = [];
    for (const p of prepared) {
      const task: CorpusTask = {
        ...p,
        model: MODEL,
        modelCacheDir: coreSettingsFromEnv().modelCacheDir,
        questionsFile: path.resolve(flags.questions),
        repeat,
        recallSample: RECALL_PASSAGE_QUERIES,
        editFile,
      };
      corpora.push(await runChild<CorpusFigures>(new URL('../bench/measure-corpus.ts', import.meta.url), [JSON.stringify(task)], { execArgv: measureArgv }));
    }
    const ourCpuMs = ownCpuMs() - ownCpuBefore + (modelFirstBuild?.cpuMs ?? 0) + corpora.reduce((sum, c) => sum + c.cpuMs, 0);
    const countersAfter = cpuCounters();
    const calibration = { beforeMs: calibrationBeforeMs, afterMs: calibrationMs() };
    const report: BenchReport = {
      startedAt,
      machine: describeMachine(othersCpuShare(countersBefore, countersAfter, ourCpuMs), calibration),
      model: MODEL,
      questionsFile: flags.questions,
      repeat,
      modelFirstBuild,
      corpora,
      targets: checkTargets(corpora),
    };
    process.stdout.write(`${renderReport(report)}\n`);
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    if (flags.keep) stderrLine(`[bench] kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
} catch (err) {
  exitOnFailure(err);
}
