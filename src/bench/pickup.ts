/*
 * How soon a serving process answers from a generation another process wrote: this process serves a copy of the
 * seeds (optionally with the 500 Brown documents) and follows its index folder, as the bot does, while
 * `npm run index` adds one article and rebuilds, N times. Reports, per run, when this process noticed the new CURRENT
 * (an fs.watch event or the poll) and when it served the new generation, both after CURRENT's modification time
 * (written just before its rename).
 *
 *   npx tsx src/bench/pickup.ts [--brown] [--runs N]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../app/runtime.js';
import { writeCorpusWithBrownDistractors } from '../corpus/brown.js';
import { OFFLINE_MODEL_ID } from '../embed/offline-model.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5;
const INDEX_CLI = fileURLToPath(new URL('../cli/index-cmd.ts', import.meta.url));

const workDir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-pickup-'));
try {
  const corpusDir = path.join(workDir, 'corpus');
  const indexDir = path.join(workDir, 'index');
  if (args.includes('--brown')) await writeCorpusWithBrownDistractors('corpus', corpusDir);
  else await cp('corpus', corpusDir, { recursive: true });
  let servedAt = 0;
  const runtime = await openRuntime({ corpusDir, indexDir, model: OFFLINE_MODEL_ID }, (message) => {
    if (message.startsWith('Switched to index generation')) servedAt = Date.now();
  });
  await runtime.index.current();
  const noticed: number[] = [];
  const refresh = runtime.index.refresh.bind(runtime.index);
  runtime.index.refresh = () => (noticed.push(Date.now()), refresh());
  const stop = runtime.index.follow();
  for (let run = 1; run <= runs; run++) {
    await writeFile(path.join(corpusDir, `zz-pickup-${run}.md`), `---\ntitle: Pier ${run}\n---\nThe harbour of Quenton opened pier ${run} today, officials said.\n`);
    servedAt = 0;
    noticed.length = 0;
    const build = spawn(process.execPath, ['--import', 'tsx', INDEX_CLI, '--index', indexDir, '--corpus', corpusDir], {
      env: { ...process.env, EMBEDDING_MODEL: OFFLINE_MODEL_ID },
      stdio: 'ignore',
    });
    const [code] = (await once(build, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`npm run index exited with code ${code}`);
    const written = (await stat(path.join(indexDir, 'CURRENT'))).mtimeMs;
    while (!servedAt) await new Promise((resolve) => setTimeout(resolve, 5));
    const first = noticed.find((t) => t >= written) ?? NaN;
    console.log(`run ${run}: noticed after ${(first - written).toFixed(0)} ms, served after ${(servedAt - written).toFixed(0)} ms`);
  }
  stop();
} finally {
  await rm(workDir, { recursive: true, force: true });
}
process.exit(0);
