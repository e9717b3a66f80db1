/*
 * What story grouping costs on a corpus folder: a full grouping as a full build runs it (trigrams of every
 * sentence, then groupStories), the trigram index it writes into passages.db, and the regrouping after a
 * one-article change as an update runs it (the changed article's trigrams looked up in that index), checked
 * against a full grouping of the changed corpus. Each change appends a paragraph to one article, as the bench's
 * one-article reindex does: a seed (in no story) and, when there is one, a member of the largest story.
 *
 *   npx tsx src/bench/story-grouping.ts <corpus folder>
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chunkDocument, type Chunk } from '../chunk/chunker.js';
import { loadCorpus } from '../corpus/loader.js';
import type { ManifestDocument } from '../index/manifest.js';
import { groupStories, numberedArticles } from '../search/story-grouping.js';
import { readStoryPostings, STORY_POSTINGS_SCHEMA, writeStoryPostings } from '../search/story-postings.js';
import { regroupStories, type PreviousStories } from '../search/story-regrouping.js';
import { byArticle, storySentences, type NumberedPassage } from '../search/story-sentences.js';
import { loadStockWords } from '../search/story-stock-phrases.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npx tsx src/bench/story-grouping.ts <corpus folder>\n');
  process.exit(2);
}
const APPENDED = '\n\nCorrection: an earlier version of this article misstated the date of the meeting.\n';
// Wall time and this process's CPU time: on a shared machine the CPU time is the steadier figure.
let cpuAt = process.cpuUsage();
let t = performance.now();
const start = () => {
  cpuAt = process.cpuUsage();
  t = performance.now();
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage(cpuAt);
  return (user + system) / 1000;
};
const seconds = () => `${((performance.now() - t) / 1000).toFixed(2)} s (CPU ${(cpuMs() / 1000).toFixed(2)} s)`;
const ms = () => `${(performance.now() - t).toFixed(0)} ms (CPU ${cpuMs().toFixed(0)} ms)`;
const print = (line: string) => process.stdout.write(`${line}\n`);

const { documents } = await loadCorpus(dir);
const chunks = documents.flatMap((d) => chunkDocument(d));
const manifestDocuments: Record<string, ManifestDocument> = Object.fromEntries(documents.map((d) => [d.file, { date: d.date } as ManifestDocument]));
print(`${documents.length} articles, ${chunks.length} passages`);
start();
const stock = await loadStockWords();
print(`stock words read in ${ms()}`);

start();
const sentences = storySentences(numberedArticles(chunks), stock);
const trigramsSeconds = seconds();
start();
const groups = await groupStories(chunks, manifestDocuments, sentences);
const sizes = groups.map((g) => g.length).sort((a, b) => b - a);
print(`full grouping: trigrams ${trigramsSeconds}, grouping ${seconds()}; ${groups.length} stories of ${sizes.reduce((a, b) => a + b, 0)} articles, largest ${sizes.slice(0, 5).join(', ')}`);

const workDir = await mkdtemp(path.join(os.tmpdir(), 'story-bench-'));
try {
  const db = new Database(path.join(workDir, 'passages.db'));
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(STORY_POSTINGS_SCHEMA);
  start();
  db.transaction(() => writeStoryPostings(db, { removed: null, added: sentences, stock }))();
  const { pages, size } = db.prepare<[], { pages: number; size: number }>('SELECT page_count AS pages, page_size AS size FROM pragma_page_count, pragma_page_size').get()!;
  print(`trigram index: written in ${seconds()}, ${((pages * size) / 2 ** 20).toFixed(1)} MiB`);

  const passagesByFile = new Map(numberedArticles(chunks));
  const previous: PreviousStories = {
    groups,
    holders: (keys) => readStoryPostings(db, keys),
    fileOf: (passage) => chunks[passage]?.file,
    passagesOf: (file) => passagesByFile.get(file) ?? [],
  };
  const seed = documents.find((d) => /^\d{3}_/.test(d.file)) ?? documents[0];
  const largest = groups.reduce<string[]>((best, g) => (g.length > best.length ? g : best), []);
  for (const [label, file] of [['a seed', seed.file], ['a member of the largest story', largest[0]]] as const) {
    if (!file) continue;
    const doc = documents.find((d) => d.file === file)!;
    const removed: NumberedPassage[] = chunks.flatMap((chunk, id) => (chunk.file === file ? [{ id, chunk }] : []));
    const changedChunks = chunkDocument({ file, text: doc.text + APPENDED });
    const added = changedChunks.map((chunk, i) => ({ id: chunks.length + i, chunk }));
    start();
    const change = { removed: storySentences(byArticle(removed), stock), added: storySentences(byArticle(added), stock) };
    const regrouped = await regroupStories(previous, { gone: new Set([file]), fresh: change.added, stock }, manifestDocuments);
    const regroupMs = ms();
    start();
    db.exec('SAVEPOINT change');
    writeStoryPostings(db, change);
    db.exec('ROLLBACK TO change; RELEASE change');
    const writeMs = ms();
    const after: Chunk[] = chunks.filter((c) => c.file !== file).concat(changedChunks);
    const full = await groupStories(after, manifestDocuments);
    const equal = JSON.stringify(full) === JSON.stringify(regrouped);
    print(`one article changed (${label}, ${file}): regrouping ${regroupMs}, index update ${writeMs}; ${regrouped.length} stories, ${equal ? 'equal to' : 'DIFFERENT FROM'} a full grouping`);
  }
  db.close();
} finally {
  await rm(workDir, { recursive: true, force: true });
}
