/**
 * The set-up every bot end-to-end test file shares: one runtime over a temp copy of the seed corpus (offline
 * model, index built once per file), one bot per test, and after every test the checks of `expectCleanRun`.
 *
 *   const suite = botSuite();
 *   it('…', async () => { const h = await suite.start(); … });
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import type { CoreSettings } from '../../src/app/settings.js';
import { expectCleanRun, NOTHING_PROVOKED, startBotHarness, type BotHarness, type BotHarnessOptions, type Provoked } from './bot-harness.js';
import { tempCorpus } from './seed-runtime.js';

export interface BotSuite extends SeedRuntime {
  /** Starts this test's bot; it is closed and checked after the test. */
  start(options?: Partial<BotHarnessOptions>): Promise<BotHarness>;
  /** What the current test provokes on purpose (failed requests, error log lines); reset after each test. */
  provoke(expected: Provoked): void;
}

export interface SeedRuntime {
  readonly core: CoreSettings & { root: string };
  readonly runtime: Runtime;
  /** Folders removed once the file's tests are done. */
  readonly roots: string[];
}

export interface SuiteOptions {
  /** Articles added to the copy of the seed corpus before the index is built: file name → file text. */
  articles?: Record<string, string>;
}

/** One runtime over a temp copy of the seed corpus for the whole test file (built in beforeAll, removed after). */
export function seedRuntimeForFile(options: SuiteOptions = {}): SeedRuntime {
  let core: CoreSettings & { root: string };
  let runtime: Runtime;
  const roots: string[] = [];

  beforeAll(async () => {
    core = await tempCorpus();
    roots.push(core.root);
    for (const [name, text] of Object.entries(options.articles ?? {})) await writeFile(path.join(core.corpusDir, name), text);
    runtime = await openRuntime(core, () => {});
    await runtime.index.current();
  });

  afterAll(async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  });

  return {
    get core() {
      return core;
    },
    get runtime() {
      return runtime;
    },
    roots,
  };
}

export function botSuite(options: SuiteOptions = {}): BotSuite {
  const seeds = seedRuntimeForFile(options);
  let harness: BotHarness | undefined;
  let provoked = NOTHING_PROVOKED;

  afterEach(async () => {
    const h = harness;
    harness = undefined;
    const expected = provoked;
    provoked = NOTHING_PROVOKED;
    if (!h) return;
    await h.close();
    expectCleanRun(h, expected);
  });

  return {
    get core() {
      return seeds.core;
    },
    get runtime() {
      return seeds.runtime;
    },
    roots: seeds.roots,
    async start(options = {}) {
      harness = await startBotHarness({ runtime: seeds.runtime, core: seeds.core, ...options });
      return harness;
    },
    provoke(expected) {
      provoked = expected;
    },
  };
}
