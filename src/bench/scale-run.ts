import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hasIndex } from '../index/store.js';
import { ChildTimeoutError, runChild } from './child.js';
import { elapsedLog } from './elapsed-log.js';
import { prepareScaleCorpus } from './scale-corpus.js';
import { NEEDS_INDEX, SCALE_PHASES, type PhaseRecord, type ScalePhaseName, type ScalePhaseTask, type ScaleRun } from './scale-types.js';

/*
 * `npm run bench -- --scale N`: one row of the scale table, phase by phase, each phase in a process of its own with
 * a time budget. A phase that fails or runs out of time is recorded as such and the next ones still run (those that
 * need the index are skipped when there is none). Everything lives in one work folder: the corpus copy, the index,
 * and `scale-run.json`, rewritten after every phase, so a run that was stopped, or a kept folder measured again
 * (`--reuse DIR`), adds what is missing without rebuilding what is there.
 */

export const RUN_FILE = 'scale-run.json';

export interface ScaleRunOptions {
  scale: number;
  seedDir: string;
  questionsFile: string;
  repeat: number;
  editFile: string;
  model: string;
  modelCacheDir?: string;
  /** A work folder of an earlier run (kept with --keep): its corpus, index and recorded phases are reused. */
  reuse?: string;
  /** Keep a new work folder instead of removing it at the end. */
  keep: boolean;
  /** Run exactly these phases (again, if already recorded); default: all, or with `reuse` those not yet measured. */
  phases?: ScalePhaseName[];
  budgetMinutes: number;
  /** Where the generated corpus is cached (`<cacheRoot>/scale/N`); default `.cache`. */
  cacheRoot?: string;
}

export async function runScaleBench(options: ScaleRunOptions): Promise<{ run: ScaleRun; workDir: string }> {
  const runStartedAt = Date.now();
  const log = elapsedLog(runStartedAt, `scale ${options.scale}`);
  const workDir = options.reuse ?? (await mkdtemp(path.join(os.tmpdir(), `newsdesk-scale-${options.scale}-`)));
  try {
    const run = options.reuse ? await readRun(options.reuse, options.scale) : null;
    const current = run ?? (await freshRun(options, workDir, log));
    const save = () => writeFile(path.join(workDir, RUN_FILE), `${JSON.stringify(current, null, 2)}\n`);
    await save();
    const task = (phase: ScalePhaseName): ScalePhaseTask => ({
      phase,
      corpusDir: path.join(workDir, 'corpus'),
      indexDir: path.join(workDir, 'index'),
      seedDir: path.resolve(options.seedDir),
      seedIndexDir: path.join(workDir, 'seeds-index'),
      editFile: options.editFile,
      model: options.model,
      modelCacheDir: options.modelCacheDir,
      questionsFile: path.resolve(options.questionsFile),
      repeat: options.repeat,
      runStartedAt,
    });
    for (const phase of SCALE_PHASES) {
      const wanted = options.phases ? options.phases.includes(phase) : current.phases[phase]?.status !== 'ok';
      if (!wanted) continue;
      // Children run one after another: on a 2-core machine two at once would measure each other.
      // Per phase: a long run may span a change of the checked-out code.
      const record = await runPhase(task(phase), options.budgetMinutes, describeCommit(), log);
      (current.phases as Record<ScalePhaseName, PhaseRecord>)[phase] = record;
      await save();
    }
    return { run: current, workDir };
  } finally {
    if (options.keep || options.reuse) log(`kept ${workDir} (measure it again with --reuse ${workDir})`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

async function readRun(dir: string, scale: number): Promise<ScaleRun> {
  const file = path.join(dir, RUN_FILE);
  if (!existsSync(file)) throw new Error(`${dir} holds no ${RUN_FILE}: give --reuse a folder an earlier --scale run kept.`);
  const run = JSON.parse(await readFile(file, 'utf8')) as ScaleRun;
  if (run.scale !== scale) throw new Error(`${dir} holds a run of --scale ${run.scale}, not ${scale}.`);
  return run;
}

/** Generates (or reuses) the cached scale corpus and copies it into the work folder: the change phase edits it. */
async function freshRun(options: ScaleRunOptions, workDir: string, log: (m: string) => void): Promise<ScaleRun> {
  let started = performance.now();
  const cached = await prepareScaleCorpus(options.seedDir, options.scale, options.cacheRoot ?? '.cache', log);
  const generateSeconds = cached.reused ? null : (performance.now() - started) / 1000;
  log(`copying the corpus (${cached.generated + cached.seeds} articles) into ${workDir}…`);
  started = performance.now();
  await mkdir(workDir, { recursive: true });
  await cp(cached.corpusDir, path.join(workDir, 'corpus'), { recursive: true });
  return {
    scale: options.scale,
    machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model.trim() ?? 'unknown', memoryGiB: os.totalmem() / 2 ** 30, node: process.version },
    corpus: { documents: cached.generated, seeds: cached.seeds, generateSeconds, copySeconds: (performance.now() - started) / 1000 },
    phases: {},
  };
}

async function runPhase(task: ScalePhaseTask, budgetMinutes: number, commit: string, log: (m: string) => void): Promise<PhaseRecord> {
  const startedAt = new Date().toISOString();
  const before = os.loadavg();
  const started = performance.now();
  const finish = (rest: Pick<PhaseRecord, 'status' | 'message' | 'figures'>): PhaseRecord => ({
    ...rest,
    startedAt,
    wallSeconds: (performance.now() - started) / 1000,
    loadAverage: { before, after: os.loadavg() },
    commit,
  });
  if (NEEDS_INDEX.has(task.phase) && !hasIndex(task.indexDir)) {
    log(`${task.phase}: skipped, there is no index (the build phase failed or has not run)`);
    return finish({ status: 'skipped', message: 'there is no index: the build phase failed or has not run' });
  }
  log(`${task.phase}: started (load average ${before.map((x) => x.toFixed(2)).join(' ')})`);
  try {
    const figures = await runChild<PhaseRecord['figures']>(new URL('./scale-phase.ts', import.meta.url), [JSON.stringify(task)], {
      // Memory after load is read after a full collection, so it counts what is held, not what is not yet collected.
      execArgv: ['--expose-gc'],
      timeoutMs: budgetMinutes * 60_000,
    });
    const record = finish({ status: 'ok', figures });
    log(`${task.phase}: done in ${record.wallSeconds.toFixed(1)} s`);
    return record;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    log(`${task.phase}: ${err instanceof ChildTimeoutError ? 'stopped' : 'failed'}: ${message}`);
    return finish({ status: err instanceof ChildTimeoutError ? 'timeout' : 'failed', message });
  }
}

/** The code that measures: a commit, marked dirty when the working tree differs (figures from unsaved code). */
function describeCommit(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=7'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
