import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChildTimeoutError, runChild } from '../src/bench/child.js';
import { RUN_FILE, runScaleBench, type ScaleRunOptions } from '../src/bench/scale-run.js';
import { renderScaleRun, scaleRow, SCALE_COLUMNS } from '../src/bench/scale-table.js';
import type { ScaleRun } from '../src/bench/scale-types.js';
import { OFFLINE_MODEL_ID } from '../src/embed/offline-model.js';
import { tempDirs } from './helpers/temp-dirs.js';

const temp = tempDirs();
const tempDir = temp.make;

const SEEDS = 'corpus';
const options = async (overrides: Partial<ScaleRunOptions>): Promise<ScaleRunOptions> => ({
  scale: 3,
  seedDir: SEEDS,
  questionsFile: 'eval/dev.jsonl',
  repeat: 1,
  editFile: '000_d618012357f11240.txt',
  model: OFFLINE_MODEL_ID,
  keep: true,
  budgetMinutes: 10,
  cacheRoot: await tempDir('scale-bench-cache-'),
  ...overrides,
});

describe('a bench child with a time budget', () => {
  it('is stopped when it runs past the budget, and says so', async () => {
    const dir = await tempDir('bench-child-');
    const entry = path.join(dir, 'forever.mjs');
    await writeFile(entry, 'setInterval(() => {}, 1000);\n');
    const started = performance.now();
    const outcome = runChild(new URL(`file://${entry}`), [], { timeoutMs: 300 });
    await expect(outcome).rejects.toBeInstanceOf(ChildTimeoutError);
    await expect(outcome).rejects.toThrow(/time budget/);
    // Stopped, not waited for: a process that never ends would otherwise hang the bench.
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('npm run bench -- --scale N', () => {
  it('records a phase that ran out of time, skips the phases that need its index, and still renders the row', async () => {
    const opts = await options({ phases: ['build', 'serve', 'noop'], budgetMinutes: 0.0005 });
    const { run, workDir } = await runScaleBench(opts);
    temp.keep(workDir);
    expect(run.phases.build?.status).toBe('timeout');
    expect(run.phases.build?.message).toMatch(/time budget/);
    expect(run.phases.serve?.status).toBe('skipped');
    expect(run.phases.noop?.status).toBe('skipped');
    expect(run.phases.change).toBeUndefined();
    // What was recorded is on disk too, for a later --reuse.
    expect(JSON.parse(await readFile(path.join(workDir, RUN_FILE), 'utf8'))).toEqual(run);
    const row = scaleRow(run);
    expect(row).toHaveLength(SCALE_COLUMNS.length);
    expect(row[1]).toBe('build out of time');
    expect(row[4]).toBe('serve skipped');
    expect(row[8]).toBe('not run');
    expect(renderScaleRun(run)).toMatch(/- build: timeout: .*time budget/);
  });

  it('measures a built index again with --reuse without rebuilding it', async () => {
    const opts = await options({ phases: ['build', 'serve'] });
    const first = await runScaleBench(opts);
    temp.keep(first.workDir);
    const { build, serve } = first.run.phases;
    expect(build?.status).toBe('ok');
    // The seeds and three generated articles, each at least one passage.
    expect(build!.figures!.documents).toBe(3 + 5);
    expect(build!.figures!.passages).toBeGreaterThanOrEqual(8);
    // The build process was seen: its memory and CPU time are its own, not this process's.
    expect(build!.figures!.buildPeakMiB).toBeGreaterThan(50);
    expect(build!.figures!.buildCpuSeconds).toBeGreaterThan(0);
    // Raised to normal priority where permitted (root here), and said either way.
    expect(build!.figures!.buildAtNormalPriority).not.toBeNull();
    expect(serve?.status).toBe('ok');
    expect(serve!.figures!.passages).toBe(build!.figures!.passages);
    expect(serve!.figures!.latency.firstPass.n).toBe(60);
    expect(serve!.figures!.eval.inCorpus).toBeGreaterThan(0);
    expect(Object.keys(serve!.figures!.indexFilesMiB)).toContain('passages.db');

    // The reused folder's index is measured as it is: the recorded build stays, only the phase asked for runs.
    const again = await runScaleBench({ ...opts, phases: ['noop'], reuse: first.workDir });
    expect(again.run.phases.build).toEqual(build);
    expect(again.run.phases.noop?.status).toBe('ok');
    expect(again.run.phases.noop!.figures!.rebuilt).toBe(false);
    expect(existsSync(path.join(first.workDir, 'index', 'CURRENT'))).toBe(true);

    await expect(runScaleBench({ ...opts, scale: 4, reuse: first.workDir })).rejects.toThrow(/--scale 3, not 4/);
  }, 240_000);

  it('renders a measured run as one table row with every column filled', () => {
    const run: ScaleRun = {
      scale: 2,
      machine: { cores: 2, cpu: 'cpu', memoryGiB: 8, node: 'v20' },
      corpus: { documents: 2, seeds: 5, generateSeconds: null, copySeconds: 0 },
      phases: {
        noop: { status: 'ok', startedAt: '', wallSeconds: 1, loadAverage: { before: [1.5, 0, 0], after: [2.25, 0, 0] }, commit: 'abc1234', figures: { ms: 1234, rebuilt: false } },
      },
    };
    const row = scaleRow(run);
    expect(row[0]).toBe('? (7)');
    expect(row[9]).toBe('1.23');
    expect(row[11]).toBe('1.5–2.3');
    expect(row[12]).toBe('abc1234');
    expect(renderScaleRun(run)).toMatch(/✓ no-op reindex 1\.23 s/);
  });
});
