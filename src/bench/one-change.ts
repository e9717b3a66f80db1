/*
 * What adding or changing one article costs, step by step (issue 10: ≤ 1 s at 1M passages). Copies a corpus folder
 * under .cache/one-change/, builds its index once (kept for later runs), then changes one article at a time:
 *
 *  - in this process, `buildIndex` from the loaded previous snapshot, broken into its steps (StepTimings): the
 *    corpus scan, the update (embedding, reading the HNSW graph, marking and adding points), story grouping, the
 *    writes (graph, vectors, passages.db copy and change, checksums) and opening the new generation;
 *  - with `--end-to-end`, as `npm run index`, `/add` and the watcher do it: IndexService with the child-process
 *    builder (start the process, load the model and the previous index there, build, load the result here).
 *
 *   npx tsx src/bench/one-change.ts <corpus folder> [--runs N] [--end-to-end] [--work DIR]
 *
 * Each run appends a correction to a different article (its hash and last passages change); every fifth run adds
 * a new article instead. Story grouping is reported apart: another piece of work makes it proportional to the change.
 */
import { appendFile, cp, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { OFFLINE_MODEL_ID } from '../embed/offline-model.js';
import { createEmbedder } from '../embed/transformers-embedder.js';
import { buildIndex } from '../index/build.js';
import { ChildProcessBuilder } from '../index/child-builder.js';
import { IndexService } from '../index/index-service.js';
import { isArticleFileName } from '../corpus/loader.js';
import { loadSnapshot, hasIndex } from '../index/store.js';
import type { StepTimings } from '../index/step-timings.js';
import { phaseTimer } from './phases.js';

const command = new Command('one-change')
  .argument('<corpus>', 'corpus folder to copy (e.g. .cache/scale/4000/corpus)')
  .option('--runs <n>', 'changes to time', (v) => Number.parseInt(v, 10), 3)
  .option('--end-to-end', 'also time the change through IndexService and the build process')
  .option('--work <dir>', 'working folder (default .cache/one-change/<corpus parent name>)')
  .parse();
const [source] = command.args;
const flags = command.opts<{ runs: number; endToEnd?: boolean; work?: string }>();
const work = flags.work ?? path.join('.cache', 'one-change', path.basename(path.dirname(path.resolve(source))));
const corpusDir = path.join(work, 'corpus');
const indexDir = path.join(work, 'index');
const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const describe = (timings: StepTimings) => Object.entries(timings).map(([step, ms]) => `${step} ${ms.toFixed(0)}`).join(' / ');

const embedder = await createEmbedder({ model: OFFLINE_MODEL_ID, allowRemote: false, log: (m) => process.stderr.write(`${m}\n`) });
if (!existsSync(corpusDir) || !hasIndex(indexDir)) {
  await cp(source, corpusDir, { recursive: true });
  const started = performance.now();
  const { summary } = await buildIndex({ corpusDir, indexDir, embedder });
  say(`full build of ${summary.documents} articles, ${summary.chunks} passages: ${seconds(performance.now() - started)}`);
}
const articles = (await readdir(corpusDir)).filter(isArticleFileName).sort();

let change = 0;
/** The next change: an appended correction to an article spread over the corpus, or (every fifth) a new article. */
async function changeOneArticle(): Promise<string> {
  change += 1;
  if (change % 5 === 0) {
    const file = `zz-one-change-${Date.now()}-${change}.md`;
    await writeFile(path.join(corpusDir, file), `---\ntitle: One change ${change}\ndate: 2024-06-0${1 + (change % 9)}\n---\n\nThe harbour authority reopened the northern quay on Tuesday after repairs to the sea wall took longer than planned, officials said.\n`);
    return `added ${file}`;
  }
  const file = articles[(change * 7919) % articles.length];
  await appendFile(path.join(corpusDir, file), `\n\nCorrection ${change}: an earlier version of this article misstated the date of the meeting.\n`);
  return `changed ${file}`;
}

let t = performance.now();
const loadTimings: StepTimings = {};
let previous = await loadSnapshot(indexDir, embedder, null, loadTimings);
say(`${articles.length} articles, ${previous.manifest.counts.chunks} passages; index loaded in ${seconds(performance.now() - t)} (ms: ${describe(loadTimings)})`);

for (let run = 0; run < flags.runs; run++) {
  const what = await changeOneArticle();
  const timings: StepTimings = {};
  t = performance.now();
  const { snapshot, summary } = await buildIndex({ corpusDir, indexDir, embedder, previous, timings });
  const total = performance.now() - t;
  const grouping = timings['story grouping'] ?? 0;
  const steps = describe(timings);
  say(`in process, ${what}: ${seconds(total)}, without story grouping ${seconds(total - grouping)} (ms: ${steps}; ${summary.added.length + summary.changed.length + summary.removed.length} article(s) updated)`);
  previous = snapshot;
}

if (flags.endToEnd) {
  const index = new IndexService({ corpusDir, indexDir, embedder, builder: new ChildProcessBuilder({ model: embedder.modelId }) });
  t = performance.now();
  await index.current();
  say(`end to end: index loaded by the serving process in ${seconds(performance.now() - t)}`);
  for (let run = 0; run < flags.runs; run++) {
    const what = await changeOneArticle();
    const phases = phaseTimer();
    t = performance.now();
    await index.rebuild(phases.onProgress);
    const steps = phases.finish().map((p) => `${p.phase} ${p.seconds.toFixed(2)}`).join(' / ');
    say(`end to end, ${what}: ${seconds(performance.now() - t)} (s: ${steps})`);
  }
}
