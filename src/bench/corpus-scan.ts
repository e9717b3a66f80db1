/*
 * What a no-op reindex costs on a corpus folder: the check by size and modification time (unchanged-on-disk.ts: a
 * readdir and a stat per article) against reading, parsing and hashing every article (the loader), best of 3.
 *
 *   npx tsx src/bench/corpus-scan.ts <corpus folder>
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isArticleFileName, loadCorpus } from '../corpus/loader.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npx tsx src/bench/corpus-scan.ts <corpus folder>\n');
  process.exit(2);
}
const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
let statMs = Infinity;
let readMs = Infinity;
let files = 0;
for (let run = 0; run < 3; run++) {
  statMs = Math.min(statMs, await timed(async () => {
    const names = (await readdir(dir)).filter(isArticleFileName);
    for (const name of names) await stat(path.join(dir, name));
    files = names.length;
  }));
  readMs = Math.min(readMs, await timed(() => loadCorpus(dir)));
}
process.stdout.write(`${files} articles: size and time check ${statMs.toFixed(0)} ms; read, parse and hash ${readMs.toFixed(0)} ms (best of 3)\n`);
