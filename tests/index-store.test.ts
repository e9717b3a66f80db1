import { createHash } from 'node:crypto';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../src/index/build.js';
import { IndexService, RebuildInProgressError } from '../src/index/index-service.js';
import { IndexUnusableError, parseManifest, serialiseManifest } from '../src/index/manifest.js';
import { loadSnapshot } from '../src/index/store.js';
import { allPassages, keywordFiles } from './helpers/passages.js';
import { hashingEmbedder } from './helpers/hashing-embedder.js';
import { tempCorpus } from './helpers/seed-runtime.js';

let corpusDir: string;
let indexDir: string;

beforeEach(async () => {
  ({ corpusDir, indexDir } = await tempCorpus('index-'));
});

async function currentGeneration(): Promise<string> {
  return path.join(indexDir, (await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim());
}

describe('index save and load', () => {
  it('round-trips: the loaded index answers the same nearest neighbours as the built one', async () => {
    const embedder = hashingEmbedder();
    const { snapshot, summary } = await buildIndex({ corpusDir, indexDir, embedder });
    expect(summary.added).toHaveLength(5);
    const loaded = await loadSnapshot(indexDir, embedder);
    expect(loaded.manifest.model).toBe('test-hashing');
    expect(loaded.manifest.counts).toEqual(snapshot.manifest.counts);
    expect(allPassages(loaded)).toEqual(allPassages(snapshot));
    const [q] = await embedder.embed(['Lavrov ceasefire Gaza']);
    expect(loaded.hnsw.searchKnn(Array.from(q), 5).neighbors).toEqual(snapshot.hnsw.searchKnn(Array.from(q), 5).neighbors);
    expect(keywordFiles(loaded, 'Belta')).toEqual(keywordFiles(snapshot, 'Belta'));
    expect(keywordFiles(loaded, 'Belta').length).toBeGreaterThan(0);
    expect(loaded.stats).toEqual(snapshot.stats);
  });

  it('refuses an index built by another model or with another dimension, in one sentence', async () => {
    await buildIndex({ corpusDir, indexDir, embedder: hashingEmbedder(32, 'model-a') });
    await expect(loadSnapshot(indexDir, hashingEmbedder(32, 'model-b'))).rejects.toThrow(
      /built with model model-a, but the embedder is model-b\./,
    );
    await expect(loadSnapshot(indexDir, hashingEmbedder(64, 'model-a'))).rejects.toThrow(/dimension 32, but the embedder produces 64/);
  });

  it('detects a corrupt, missing or truncated file before hnswlib reads it', async () => {
    const embedder = hashingEmbedder();
    await buildIndex({ corpusDir, indexDir, embedder });
    const gen = await currentGeneration();
    const hnswFile = path.join(gen, 'index.hnsw');
    const bytes = await readFile(hnswFile);
    await writeFile(hnswFile, bytes.subarray(0, bytes.length - 100));
    await expect(loadSnapshot(indexDir, embedder)).rejects.toThrow(/index\.hnsw .* is corrupt/);
    await writeFile(hnswFile, bytes);
    await expect(loadSnapshot(indexDir, embedder)).resolves.toBeTruthy();
    await rm(path.join(gen, 'passages.db'));
    await expect(loadSnapshot(indexDir, embedder)).rejects.toThrow(/passages\.db is missing/);
    await writeFile(path.join(gen, 'manifest.json'), '{not json');
    await expect(loadSnapshot(indexDir, embedder)).rejects.toBeInstanceOf(IndexUnusableError);
  });

  it('refuses a passage database that passes its checksum but is not this index\'s, or not a database at all', async () => {
    const embedder = hashingEmbedder();
    await buildIndex({ corpusDir, indexDir, embedder });
    const gen = await currentGeneration();
    const manifestFile = path.join(gen, 'manifest.json');
    const original = await readFile(manifestFile, 'utf8');
    // A manifest rewritten consistently (its checksums recomputed) around a foreign file: only the contents can tell.
    const swapIn = async (bytes: Buffer) => {
      await writeFile(path.join(gen, 'passages.db'), bytes);
      const manifest = parseManifest(original, indexDir);
      manifest.files['passages.db'] = createHash('sha256').update(bytes).digest('hex');
      await writeFile(manifestFile, serialiseManifest(manifest));
    };

    const other = await tempCorpus('other-');
    await rm(path.join(other.corpusDir, (await readdir(other.corpusDir)).sort()[0]));
    await buildIndex({ corpusDir: other.corpusDir, indexDir: other.indexDir, embedder });
    const otherGen = path.join(other.indexDir, (await readFile(path.join(other.indexDir, 'CURRENT'), 'utf8')).trim());
    await swapIn(await readFile(path.join(otherGen, 'passages.db')));
    await expect(loadSnapshot(indexDir, embedder)).rejects.toThrow(/disagrees with its manifest about the number of passages|disagree with the articles/);

    await swapIn(Buffer.from('SQLite format 3\0 but not really a database'.repeat(200)));
    const error = await loadSnapshot(indexDir, embedder).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(IndexUnusableError);
    expect((error as Error).message).toMatch(/^The passage database of the index in .* cannot be read \(.*\)\.$/);
    await rm(other.root, { recursive: true, force: true });
  });

  it('rebuilds an unusable index instead of searching it, and says why', async () => {
    await buildIndex({ corpusDir, indexDir, embedder: hashingEmbedder(32, 'model-a') });
    const messages: string[] = [];
    const service = new IndexService({ corpusDir, indexDir, embedder: hashingEmbedder(32, 'model-b'), log: (m) => messages.push(m) });
    const snapshot = await service.current();
    expect(snapshot.manifest.model).toBe('model-b');
    expect(messages).toEqual([expect.stringMatching(/built with model model-a, but the embedder is model-b\. Rebuilding it/)]);
    expect((await loadSnapshot(indexDir, hashingEmbedder(32, 'model-b'))).manifest.model).toBe('model-b');
  });

  it('leaves the previous index loadable when a build dies before the swap', async () => {
    const embedder = hashingEmbedder();
    await buildIndex({ corpusDir, indexDir, embedder });
    const before = await readFile(path.join(indexDir, 'CURRENT'), 'utf8');
    // A half-written generation, as a crash mid-build leaves it.
    await writeFile(path.join(corpusDir, '005_new.txt'), 'Fresh article about harbours and ships.');
    await cp(await currentGeneration(), path.join(indexDir, 'gen-crashed'), { recursive: true });
    await rm(path.join(indexDir, 'gen-crashed', 'vectors.f32'));
    expect(await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).toBe(before);
    expect((await loadSnapshot(indexDir, embedder)).manifest.counts.documents).toBe(5);
  });
});

describe('incremental rebuild', () => {
  it('re-embeds only changed and added documents and drops removed ones', async () => {
    const embedder = hashingEmbedder();
    const service = new IndexService({ corpusDir, indexDir, embedder });
    const first = await service.current();
    const textsAfterFirst = embedder.texts;
    expect(textsAfterFirst).toBe(allPassages(first).length);

    const files = (await readdir(corpusDir)).sort();
    await writeFile(path.join(corpusDir, files[1]), 'A rewritten article. It now talks about fishing quotas in the Baltic.');
    await rm(path.join(corpusDir, files[4]));
    await writeFile(path.join(corpusDir, '010_new.md'), '---\ntitle: New piece\n---\nHarbour cranes were upgraded this spring.');
    const summary = await service.rebuild();
    expect(summary).toMatchObject({ added: ['010_new.md'], changed: [files[1]], removed: [files[4]], unchanged: 3, rebuilt: true });

    const after = await service.current();
    const reembedded = embedder.texts - textsAfterFirst;
    const newChunks = allPassages(after).filter(([, c]) => c.file === files[1] || c.file === '010_new.md').length;
    expect(reembedded).toBe(newChunks);
    expect(allPassages(after).some(([, c]) => c.file === files[4])).toBe(false);
    expect(keywordFiles(after, 'Baltic')).toEqual([files[1]]);
    expect(after.hnsw.getCurrentCount()).toBe(allPassages(after).length);
  });

  it('does nothing when nothing changed', async () => {
    const embedder = hashingEmbedder();
    const service = new IndexService({ corpusDir, indexDir, embedder });
    const first = await service.current();
    const generation = await currentGeneration();
    const summary = await service.rebuild();
    expect(summary).toMatchObject({ added: [], changed: [], removed: [], unchanged: 5, rebuilt: false });
    expect(await service.current()).toBe(first);
    expect(await currentGeneration()).toBe(generation);
  });

  it('reuses vectors from disk in a fresh process', async () => {
    await new IndexService({ corpusDir, indexDir, embedder: hashingEmbedder() }).current();
    const embedder = hashingEmbedder();
    const summary = await new IndexService({ corpusDir, indexDir, embedder }).rebuild();
    expect(summary.rebuilt).toBe(false);
    expect(embedder.texts).toBe(0);
  });

  it('refuses a second rebuild while one runs, and keeps answering from the old snapshot until the swap', async () => {
    const service = new IndexService({ corpusDir, indexDir, embedder: hashingEmbedder() });
    const old = await service.current();
    await writeFile(path.join(corpusDir, '011_more.txt'), 'Another article about lighthouses on the coast.');
    const running = service.rebuild();
    expect(() => service.rebuild()).toThrow(RebuildInProgressError);
    expect(await service.current()).toBe(old);
    await running;
    expect(await service.current()).not.toBe(old);
  });
});
