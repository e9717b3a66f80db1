/**
 * Index builds in a child process (what the CLI and the bot run): the same index as an in-process build, vectors
 * reused from disk, progress relayed, and every way a build can fail leaving the served index and the index on
 * disk as they were, with a one-sentence reason and a next build that works.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../src/embed/embedder.js';
import { createEmbedder, OFFLINE_MODEL_ID } from '../src/embed/transformers-embedder.js';
import type { BuildProgress } from '../src/index/build.js';
import { inProcessBuilder } from '../src/index/builder.js';
import { ChildProcessBuilder, IndexBuildError } from '../src/index/child-builder.js';
import { IndexService } from '../src/index/index-service.js';
import { allPassages, keywordFiles } from './helpers/passages.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import { waitFor } from './helpers/bot-harness.js';

let model: Embedder;
const roots: string[] = [];

beforeAll(async () => {
  model = await createEmbedder({ model: OFFLINE_MODEL_ID, allowRemote: false });
});

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** The offline model, counting what this process embeds (a child-process build must embed nothing here). */
function countingEmbedder(): Embedder & { texts: number } {
  const counting = {
    modelId: model.modelId,
    dimension: model.dimension,
    maxTokens: model.maxTokens,
    texts: 0,
    embed(texts: string[]) {
      counting.texts += texts.length;
      return model.embed(texts);
    },
  };
  return counting;
}

async function serviceInChild(log: string[] = []) {
  const settings = await tempCorpus('child-build-');
  roots.push(settings.root);
  const embedder = countingEmbedder();
  const builder = new ChildProcessBuilder({ model: OFFLINE_MODEL_ID });
  const service = new IndexService({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder, builder, log: (m) => log.push(m) });
  return { ...settings, embedder, builder, service };
}

const currentPointer = (indexDir: string) => readFile(path.join(indexDir, 'CURRENT'), 'utf8');

describe('building in a child process', () => {
  it('builds the same index an in-process build does, embedding nothing in this process', async () => {
    const log: string[] = [];
    const { service, embedder } = await serviceInChild(log);
    const phases: BuildProgress['phase'][] = [];
    const snapshot = await service.current((p) => phases.at(-1) !== p.phase && phases.push(p.phase));
    expect(embedder.texts).toBe(0);
    expect(phases).toEqual(['starting', 'embedding', 'indexing', 'writing', 'loading']);
    expect(log).toEqual([expect.stringMatching(/^No index in .* yet; building it from /)]);

    const own = await tempCorpus('in-process-');
    roots.push(own.root);
    const reference = new IndexService({ corpusDir: own.corpusDir, indexDir: own.indexDir, embedder: model, builder: inProcessBuilder(model) });
    const expected = await reference.current();
    expect(snapshot.manifest.model).toBe(OFFLINE_MODEL_ID);
    // Two copies of the corpus: paths and file times differ, everything read from the files must not.
    const withoutSource = (docs: typeof snapshot.manifest.documents) => Object.values(docs).map(({ source: _, mtimeMs: __, ...rest }) => rest);
    expect(withoutSource(snapshot.manifest.documents)).toEqual(withoutSource(expected.manifest.documents));
    expect(allPassages(snapshot)).toEqual(allPassages(expected));
    expect(snapshot.vectors).toEqual(expected.vectors);
    const [question] = await model.embed(['What did Lavrov say about Hezbollah?']);
    expect(snapshot.hnsw.searchKnn(Array.from(question), 5)).toEqual(expected.hnsw.searchKnn(Array.from(question), 5));
    expect(keywordFiles(snapshot, 'Hezbollah')).toEqual(keywordFiles(expected, 'Hezbollah'));
  });

  it('reuses the vectors of unchanged articles from disk, and swaps only when something changed', async () => {
    const { service, corpusDir, indexDir } = await serviceInChild();
    const first = await service.current();
    const noopPhases: string[] = [];
    const noop = await service.rebuild((p) => noopPhases.push(p.phase));
    expect(noop).toMatchObject({ rebuilt: false, unchanged: 5 });
    expect(noopPhases).toEqual([]); // nothing to do: no build process started
    expect(await service.current()).toBe(first);

    await writeFile(path.join(corpusDir, '010_harbour.md'), '---\ntitle: Harbour news\n---\nHarbour cranes were upgraded this spring in Tallinn.');
    const generation = await currentPointer(indexDir);
    const summary = await service.rebuild();
    expect(summary).toMatchObject({ added: ['010_harbour.md'], changed: [], removed: [], unchanged: 5, rebuilt: true });
    const after = await service.current();
    expect(after).not.toBe(first);
    expect(await currentPointer(indexDir)).not.toBe(generation);
    expect(keywordFiles(after, 'Tallinn')).toEqual(['010_harbour.md']);
    // Unchanged articles kept their vectors bit for bit.
    const dim = first.manifest.dimension;
    const firstRows = new Map(allPassages(first).map(([i, c]) => [`${c.file}#${c.ordinal}`, first.vectors.subarray(i * dim, (i + 1) * dim)]));
    allPassages(after).forEach(([i, c]) => {
      const before = firstRows.get(`${c.file}#${c.ordinal}`);
      if (before) expect(after.vectors.subarray(i * dim, (i + 1) * dim)).toEqual(before);
    });
    // An update of the previous generation, not a full build: every passage kept its id, the new ones come after.
    for (const [i, c] of allPassages(first)) expect(after.chunks.fileOf(i)).toBe(c.file);
    expect(after.chunks.positionsOf('010_harbour.md')[0]).toBeGreaterThanOrEqual(first.chunks.length);
  });

  it('a changed article updates the previous generation: the same passages and statistics as a full build', async () => {
    const { service, corpusDir, root } = await serviceInChild();
    const first = await service.current();
    const [name] = Object.keys(first.manifest.documents).sort();
    await writeFile(path.join(corpusDir, name), `${await readFile(path.join(corpusDir, name), 'utf8')}\n\nCorrection: the talks were held in Tallinn.\n`);
    expect(await service.rebuild()).toMatchObject({ changed: [name], rebuilt: true });
    const updated = await service.current();
    expect(updated.manifest.counts.deletedVectors).toBeGreaterThan(0);
    expect(updated.hnsw.getCurrentCount()).toBe(updated.manifest.counts.vectors + updated.manifest.counts.deletedVectors);
    const full = await new IndexService({ corpusDir, indexDir: path.join(root, 'full'), embedder: model, builder: inProcessBuilder(model) }).current();
    const texts = (snapshot: typeof full) => allPassages(snapshot).map(([, c]) => `${c.file}#${c.ordinal}:${c.text}`).sort();
    expect(texts(updated)).toEqual(texts(full));
    expect(updated.stats).toEqual(full.stats);
    expect(updated.manifest.documents).toEqual(full.manifest.documents);
    expect(keywordFiles(updated, 'Tallinn')).toEqual([name]);
  });

  it('does not hand the Discord token to the build process', async () => {
    const { service, builder, corpusDir } = await serviceInChild();
    await service.current();
    await writeFile(path.join(corpusDir, '011_more.txt'), 'Another article about lighthouses on the coast.');
    const saved = process.env.DISCORD_TOKEN;
    process.env.DISCORD_TOKEN = 'token-that-must-stay-in-the-parent';
    try {
      const running = service.rebuild();
      await waitFor(() => builder.pid !== undefined, 5_000, 'the build process');
      const environ = await readFile(`/proc/${builder.pid}/environ`, 'utf8');
      await running;
      expect(environ).toContain('HF_HUB_OFFLINE=1'); // the rest of the environment is passed on
      expect(environ).not.toContain('DISCORD_TOKEN');
      expect(environ).not.toContain('token-that-must-stay-in-the-parent');
    } finally {
      if (saved === undefined) delete process.env.DISCORD_TOKEN;
      else process.env.DISCORD_TOKEN = saved;
    }
  });
});

describe('a build that fails', () => {
  it('killed mid-build: old index kept in memory and on disk, one-sentence reason, the next build works', async () => {
    const { service, builder, corpusDir, indexDir } = await serviceInChild();
    const old = await service.current();
    const generation = await currentPointer(indexDir);
    // About a thousand new passages: a build that is still embedding when the kill arrives.
    for (let i = 0; i < 30; i++) {
      const text = Array.from({ length: 400 }, (_, j) => `Report ${i}.${j}: ships number ${j} entered harbour ${i} at dawn.`).join(' ');
      await writeFile(path.join(corpusDir, `012_long_${i}.txt`), text);
    }

    let embedding = false;
    const running = service.rebuild((p) => (embedding ||= p.phase === 'embedding'));
    await waitFor(() => embedding, 30_000, 'the embedding phase');
    process.kill(builder.pid!, 'SIGKILL'); // as the kernel's out-of-memory killer would
    const error = await running.then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(IndexBuildError);
    expect((error as Error).message).toBe('The index build process was killed (SIGKILL) before it finished.');
    expect(service.isRebuilding).toBe(false);
    expect(await service.current()).toBe(old);
    expect(await currentPointer(indexDir)).toBe(generation);

    const summary = await service.rebuild();
    expect(summary).toMatchObject({ unchanged: 5, rebuilt: true });
    expect(summary.added).toHaveLength(30);
    expect((await service.current()).chunks.positionsOf('012_long_29.txt').length).toBeGreaterThan(0);
  });

  it('an error inside the build (corpus folder gone) is reported in one sentence; restored, the next build works', async () => {
    const { service, corpusDir, indexDir } = await serviceInChild();
    const old = await service.current();
    const generation = await currentPointer(indexDir);
    await rename(corpusDir, `${corpusDir}-away`);
    const error = await service.rebuild().then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(IndexBuildError);
    expect((error as Error).message).toMatch(/^The index build failed: Cannot read the corpus folder .*\.$/);
    expect((error as Error).message.split(/\.\s+[A-Z]/)).toHaveLength(1);
    expect(await service.current()).toBe(old);
    expect(await currentPointer(indexDir)).toBe(generation);

    await rename(`${corpusDir}-away`, corpusDir);
    await writeFile(path.join(corpusDir, '013_back.txt'), 'The archive was restored after a short outage.');
    expect(await service.rebuild()).toMatchObject({ added: ['013_back.txt'], rebuilt: true });
  });

  it('refuses to build with another model than the one questions are embedded with', async () => {
    const settings = await tempCorpus('child-model-');
    roots.push(settings.root);
    // The child cannot load this one (downloads are off in tests) and would fall back to the offline model.
    const builder = new ChildProcessBuilder({ model: 'Xenova/not-a-cached-model' });
    const embedder = { ...countingEmbedder(), modelId: 'Xenova/not-a-cached-model' };
    const service = new IndexService({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder, builder });
    await expect(service.rebuild()).rejects.toThrow(
      /^The index build failed: the build process could not load the model Xenova\/not-a-cached-model from the cache\.$/,
    );
    await expect(readFile(path.join(settings.indexDir, 'CURRENT'))).rejects.toThrow(/ENOENT/);
  });
});
