import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { coreSettingsFromEnv } from '../app/settings.js';
import { runChild } from '../bench/child.js';
import { firstArticle, prepareCorpora, prepareScaleCorpora } from '../bench/corpora.js';
import { calibrationMs, cpuCounters, describeMachine, othersCpuShare, ownCpuMs } from '../bench/machine.js';
import { checkTargets } from '../bench/targets.js';
import { renderReport } from '../bench/table.js';
import type { BenchReport, CorpusFigures, CorpusTask, ModelBuildFigures } from '../bench/types.js';
import { OFFLINE_MODEL_ID } from '../embed/offline-model.js';
import { loadQuestions } from '../eval/questions.js';
import { exitOnFailure, parseOrExit, positiveInt, stderrLine } from './common.js';

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
}

const command = new Command('bench')
  .description('Measure model load, index build, memory, retrieval latency, reindexing, ANN recall and eval on the seeds and on seeds + 500 Brown distractors (or a generated scale corpus).')
  .option('--json <file>', 'also write the figures as JSON to FILE')
  .option('--questions <file>', 'questions (JSONL, as for eval)', 'eval/dev.jsonl')
  .addOption(new Option('--repeat <n>', `passes over the questions for latency (default: enough for ${MIN_LATENCY_SAMPLES} samples)`).argParser(positiveInt(10_000)))
  .option('--corpus <dir>', 'seed articles (only read; copied to a temporary folder)', 'corpus')
  .option('--no-model-build', 'skip timing the offline model build in an empty cache')
  .option('--keep', 'keep the temporary corpora and indexes (their folder is printed)')
  .option('--cpu-prof-dir <dir>', 'write a V8 CPU profile of each measuring process to DIR')
  .addOption(
    new Option('--scale <documents>', 'measure the seeds and a generated scale corpus of this many articles (~7.6 passages each; cached in .cache/scale/) instead of the seeds and Brown')
      .argParser(positiveInt(1_000_000)),
  )
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text.split('\n')[0] + '\n') });
parseOrExit(command);
const flags = command.opts<BenchFlags>();

try {
  const questions = await loadQuestions(flags.questions);
  if (questions.length === 0) throw new Error(`${flags.questions} holds no questions.`);
  const repeat = flags.repeat ?? Math.ceil(MIN_LATENCY_SAMPLES / questions.length);
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
      modelFirstBuild = await runChild<ModelBuildFigures>(new URL('../bench/model-build.ts', import.meta.url), [path.join(workDir, 'model-cache')], execArgv);
    }
    stderrLine(`[bench] preparing corpora in ${workDir}…`);
    const prepared = flags.scale
      ? await prepareScaleCorpora(flags.corpus, workDir, flags.scale, (m) => stderrLine(`[bench] ${m}`))
      : await prepareCorpora(flags.corpus, workDir);
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
      corpora.push(await runChild<CorpusFigures>(new URL('../bench/measure-corpus.ts', import.meta.url), [JSON.stringify(task)], measureArgv));
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
