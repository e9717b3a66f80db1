/**
 * A one-article change is applied to the previous generation (update.ts) rather than rebuilt: the result must
 * answer exactly as a full build of the same corpus does.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { paragraphPool, scaleDocument } from '../src/bench/scale-corpus.js';
import { readBrownSamples } from '../src/corpus/brown.js';
import { loadQuestions } from '../src/eval/questions.js';
import { inProcessBuilder } from '../src/index/builder.js';
import { IndexService } from '../src/index/index-service.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { loadSnapshot } from '../src/index/store.js';
import { allPassages, keywordFiles, keywordHits } from './helpers/passages.js';
import { tempCorpus } from './helpers/seed-runtime.js';

let runtime: Runtime;
let questions: string[];
const roots: string[] = [];

/** The seeds and 40 generated articles (about 300 passages): one article is a small share of it. */
async function corpusWithFiller() {
  const settings = await tempCorpus('update-');
  roots.push(settings.root);
  const pool = paragraphPool(await readBrownSamples());
  for (let i = 0; i < 40; i++) {
    const { file, text } = scaleDocument(i, pool);
    await writeFile(path.join(settings.corpusDir, file), text);
  }
  return settings;
}

function serviceFor(settings: { corpusDir: string; indexDir: string }) {
  return new IndexService({ ...settings, embedder: runtime.embedder, builder: inProcessBuilder(runtime.embedder) });
}

/** Everything a reader is shown for each dev question, without the timing. */
async function answersFrom(snapshot: IndexSnapshot) {
  const answers = [];
  for (const q of questions) {
    const { ms: _, ...answer } = await answerQuestion(snapshot, runtime, q);
    answers.push(answer);
  }
  return answers;
}

const byFile = (snapshot: IndexSnapshot) =>
  allPassages(snapshot)
    .map(([, c]) => `${c.file}#${c.ordinal}:${c.text}`)
    .sort();

beforeAll(async () => {
  const settings = await tempCorpus('update-runtime-');
  roots.push(settings.root);
  runtime = await openRuntime(settings, () => {});
  questions = [...(await loadQuestions('eval/dev.jsonl')).map((q) => q.q), 'What is the price of Bitcoin?'];
});

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe('one-article changes update the previous generation', () => {
  it('an added, a changed and a removed article: the same passages, statistics, keyword hits and answers as a full build', async () => {
    const settings = await corpusWithFiller();
    const updating = serviceFor(settings);
    const before = await updating.current();
    const seeds = (await readdir(settings.corpusDir)).filter((f) => /^\d{3}_/.test(f)).sort();

    await writeFile(
      path.join(settings.corpusDir, '005_bitcoin.md'),
      '---\ntitle: Bitcoin price climbs past 64,000 dollars\ndate: 2024-03-05\n---\nThe price of Bitcoin climbed past 64,000 dollars today, traders said.\n',
    );
    const changed = path.join(settings.corpusDir, seeds[1]);
    await writeFile(changed, (await readFile(changed, 'utf8')).replace(/Armenia/g, 'Georgia'));
    await rm(path.join(settings.corpusDir, seeds[4]));
    // A lightly edited copy of an article: it joins that article's story.
    const original = await readFile(path.join(settings.corpusDir, seeds[0]), 'utf8');
    await writeFile(path.join(settings.corpusDir, '902_copy.txt'), original.replace(/\b(the)\b/, 'this'));
    const summary = await updating.rebuild();
    expect(summary).toMatchObject({ added: ['005_bitcoin.md', '902_copy.txt'], changed: [seeds[1]], removed: [seeds[4]], rebuilt: true });
    const updated = await updating.current();

    // It was an update: the old passages' ids are holes, the new ones come after the previous highest id.
    expect(updated.chunks.length).toBeGreaterThan(before.chunks.length);
    expect(updated.manifest.counts.deletedVectors).toBeGreaterThan(0);
    expect(updated.chunks.fileOf(before.chunks.positionsOf(seeds[4])[0])).toBeUndefined();
    expect(updated.hnsw.getCurrentCount()).toBe(updated.manifest.counts.vectors + updated.manifest.counts.deletedVectors);

    const full = await serviceFor({ corpusDir: settings.corpusDir, indexDir: path.join(settings.root, 'full-index') }).current();
    expect(full.manifest.counts.deletedVectors).toBe(0);
    expect(byFile(updated)).toEqual(byFile(full));
    expect(updated.manifest.documents).toEqual(full.manifest.documents);
    expect(updated.manifest.stories).toEqual(full.manifest.stories);
    expect(full.manifest.stories.some((story) => story.includes('902_copy.txt') && story.includes(seeds[0]))).toBe(true);
    expect(before.manifest.stories.some((story) => story.includes(seeds[4]))).toBe(true); // a story that lost a member
    expect(updated.manifest.counts.vectors).toBe(full.manifest.counts.vectors);
    expect(updated.stats).toEqual(full.stats);
    for (const words of ['Bitcoin', 'Georgia', 'Armenia', 'Lavrov Belta', 'Hezbollah']) {
      expect(keywordHits(updated, words), words).toEqual(keywordHits(full, words));
    }
    expect(keywordFiles(updated, 'Bitcoin')).toEqual(['005_bitcoin.md']);
    const answers = await answersFrom(full);
    expect(answers.some((a) => a.citations.some((c) => c.title.startsWith('Bitcoin')))).toBe(true);
    expect(await answersFrom(updated)).toEqual(answers);
    // And as another process loads it from disk.
    expect(await answersFrom(await loadSnapshot(settings.indexDir, runtime.embedder))).toEqual(answers);

    // Removing the article added last leaves unused ids at the end of the id space: still loadable.
    await rm(path.join(settings.corpusDir, '902_copy.txt'));
    await updating.rebuild();
    const shrunk = await loadSnapshot(settings.indexDir, runtime.embedder);
    expect(shrunk.chunks.length).toBe(updated.chunks.length);
    expect(shrunk.chunks.fileOf(shrunk.chunks.length - 1)).toBeUndefined();
    expect(shrunk.manifest.documents['902_copy.txt']).toBeUndefined();
  }, 180_000);

  it('once deleted passages would pass a fifth of the ids, the next change is a full build that numbers them afresh', async () => {
    const settings = await corpusWithFiller();
    const updating = serviceFor(settings);
    await updating.current();
    const generated = (await readdir(settings.corpusDir)).filter((f) => f.startsWith('scale_')).sort();
    for (const file of generated.slice(0, 15)) await rm(path.join(settings.corpusDir, file));
    await updating.rebuild();
    const rebuilt = await updating.current();
    expect(rebuilt.manifest.counts.deletedVectors).toBe(0);
    expect(rebuilt.chunks.length).toBe(rebuilt.manifest.counts.chunks);
  }, 120_000);
});
