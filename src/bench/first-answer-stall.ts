/*
 * How long the answering thread stalls when a freshly loaded index answers its first question: what the bot pays
 * after every start-up and every reindex. Builds seeds + 500 Brown in a temporary folder (in the build process, as
 * the bot does), then, in this process, loads that generation from disk and answers one question, reporting the
 * longest event-loop stall of each step (monitorEventLoopDelay, see stall.ts) and the first answer's wall time.
 *
 *   npx tsx src/bench/first-answer-stall.ts [--seeds-only] [--runs N] [--question TEXT]
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { answerQuestion } from '../answer/answer.js';
import { openRuntime } from '../app/runtime.js';
import { writeCorpusWithBrownDistractors } from '../corpus/brown.js';
import { OFFLINE_MODEL_ID } from '../embed/offline-model.js';
import { loadSnapshot } from '../index/store.js';
import { prepareCorpusStats } from '../search/corpus-stats.js';
import { withLongestStall } from './stall.js';

const args = process.argv.slice(2);
const seedsOnly = args.includes('--seeds-only');
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const question = args.includes('--question') ? args[args.indexOf('--question') + 1] : 'What did Lavrov tell the Belta news agency?';

const workDir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-first-answer-'));
try {
  const corpusDir = path.join(workDir, 'corpus');
  const indexDir = path.join(workDir, 'index');
  if (seedsOnly) await cp('corpus', corpusDir, { recursive: true });
  else await writeCorpusWithBrownDistractors('corpus', corpusDir);
  const runtime = await openRuntime({ corpusDir, indexDir, model: OFFLINE_MODEL_ID }, () => {});
  const summary = await runtime.index.rebuild();
  process.stderr.write(`built ${summary.documents} articles, ${summary.chunks} passages\n`);
  for (let run = 1; run <= runs; run++) {
    // A new snapshot each run, as after a restart or a reindex: every per-snapshot cache starts empty.
    // As the index service does: a snapshot is served once its corpus statistics are prepared (in slices).
    const load = await withLongestStall(async () => {
      const snapshot = await loadSnapshot(indexDir, runtime.embedder);
      await prepareCorpusStats(snapshot);
      return snapshot;
    });
    const started = performance.now();
    const first = await withLongestStall(() => answerQuestion(load.result, runtime, question));
    const firstMs = performance.now() - started;
    const second = await withLongestStall(() => answerQuestion(load.result, runtime, question));
    console.log(
      `run ${run}: load stall ${load.longestStallMs.toFixed(0)} ms; first answer ${firstMs.toFixed(0)} ms, stall ` +
        `${first.longestStallMs.toFixed(0)} ms; second answer stall ${second.longestStallMs.toFixed(0)} ms; ` +
        `${first.result.citations.length} citations, also reported in: ${first.result.citations.flatMap((c) => c.alsoReportedIn ?? []).length}`,
    );
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
