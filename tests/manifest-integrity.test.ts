import { spawn } from 'node:child_process';
import { cp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { buildIndex } from '../src/index/build.js';
import { emptyCounts } from '../src/search/corpus-stats.js';
import { NO_STORY_SENTENCES } from '../src/search/story-sentences.js';
import { IndexService } from '../src/index/index-service.js';
import { IndexUnusableError, MANIFEST_VERSION, parseManifest, serialiseManifest, type Manifest } from '../src/index/manifest.js';
import { loadSnapshot, saveSnapshot } from '../src/index/store.js';
import { hashingEmbedder } from './helpers/hashing-embedder.js';
import { tempCorpus } from './helpers/seed-runtime.js';

const QUESTIONS = ['What did Lavrov say about a ceasefire?', 'What list did Russia give to Hamas?', 'Explain how photosynthesis works'];

async function currentGeneration(indexDir: string): Promise<string> {
  return path.join(indexDir, (await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim());
}

function flipBit(bytes: Buffer, bit: number): Buffer {
  const flipped = Buffer.from(bytes);
  flipped[bit >> 3] ^= 1 << (bit & 7);
  return flipped;
}

/** What a user would be shown for each question, without the timing. */
async function answersOf(runtime: Runtime, snapshot: Awaited<ReturnType<Runtime['index']['current']>>) {
  return Promise.all(QUESTIONS.map(async (q) => ({ ...(await answerQuestion(snapshot, runtime, q)), ms: 0 })));
}

describe('bit flips in manifest.json', () => {
  let settings: Awaited<ReturnType<typeof tempCorpus>>;
  let runtime: Runtime;
  let original: Buffer;
  let manifestFile: string;
  let expectedAnswers: Awaited<ReturnType<typeof answersOf>>;
  /** Bits whose flip leaves a manifest that parses to exactly the original one. */
  const harmlessBits: number[] = [];

  beforeAll(async () => {
    settings = await tempCorpus('flips-');
    runtime = await openRuntime(settings, () => {});
    const snapshot = await runtime.index.current();
    expectedAnswers = await answersOf(runtime, snapshot);
    manifestFile = path.join(await currentGeneration(settings.indexDir), 'manifest.json');
    original = await readFile(manifestFile);
  });

  it('every one of them is detected or provably harmless: the full sweep through the manifest check', () => {
    const expected = parseManifest(original.toString('utf8'), 'x');
    const outcomes = { detected: 0, harmless: 0, servedDamaged: 0, crashed: 0 };
    const total = original.length * 8;
    for (let bit = 0; bit < total; bit++) {
      try {
        const manifest = parseManifest(flipBit(original, bit).toString('utf8'), 'x');
        // Parsed: only acceptable if it is the very manifest that was written (e.g. a last digit of a float that
        // rounds to the same double), so everything loaded and shown is identical.
        if (JSON.stringify(manifest) === JSON.stringify(expected)) {
          outcomes.harmless += 1;
          harmlessBits.push(bit);
        } else outcomes.servedDamaged += 1;
      } catch (err) {
        if (err instanceof IndexUnusableError && err.message.split(/\.\s/).length === 1) outcomes.detected += 1;
        else outcomes.crashed += 1;
      }
    }
    expect(total).toBeGreaterThan(15_000);
    expect(outcomes.servedDamaged).toBe(0);
    expect(outcomes.crashed).toBe(0);
    expect(outcomes.detected + outcomes.harmless).toBe(total);
    expect(outcomes.detected).toBeGreaterThan(total * 0.99);
  });

  it('on disk, a deterministic sample (every 53rd bit, plus every harmless one) is refused by load or loads identically', async () => {
    // The full sweep through the file system takes about 40 s on a 2-core machine; the check it exercises is the
    // one swept in full above, so a sample is enough here to prove loading goes through it.
    const bits = [...new Set([...Array.from({ length: Math.ceil((original.length * 8) / 53) }, (_, i) => i * 53), ...harmlessBits])];
    const outcomes = { refused: 0, identical: 0, other: 0 };
    try {
      for (const bit of bits) {
        await writeFile(manifestFile, flipBit(original, bit));
        try {
          const loaded = await loadSnapshot(settings.indexDir, runtime.embedder);
          const same = JSON.stringify(await answersOf(runtime, loaded)) === JSON.stringify(expectedAnswers);
          outcomes[same ? 'identical' : 'other'] += 1;
        } catch (err) {
          outcomes[err instanceof IndexUnusableError ? 'refused' : 'other'] += 1;
        }
      }
    } finally {
      await writeFile(manifestFile, original);
    }
    expect(bits.length).toBeGreaterThan(300);
    expect(outcomes.other).toBe(0);
    expect(outcomes.refused + outcomes.identical).toBe(bits.length);
    expect(outcomes.identical).toBe(harmlessBits.filter((b) => bits.includes(b)).length);
  });

  it('a damaged manifest is reported in one sentence and rebuilt, then answers as before (every 997th bit)', async () => {
    const bits = Array.from({ length: Math.ceil((original.length * 8) / 997) }, (_, i) => i * 997).filter((b) => !harmlessBits.includes(b));
    let rebuilt = 0;
    for (const bit of bits) {
      const gen = await currentGeneration(settings.indexDir);
      const manifest = await readFile(path.join(gen, 'manifest.json'));
      await writeFile(path.join(gen, 'manifest.json'), flipBit(manifest, bit));
      const log: string[] = [];
      const service = new IndexService({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder: runtime.embedder, log: (m) => log.push(m) });
      const snapshot = await service.current();
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(/^The [^\n]*index[^\n]*\. Rebuilding it from [^\n]+\.$/);
      expect(await answersOf(runtime, snapshot)).toEqual(expectedAnswers);
      // The rebuilt index is on disk and sound.
      await expect(loadSnapshot(settings.indexDir, runtime.embedder)).resolves.toBeTruthy();
      rebuilt += 1;
    }
    expect(rebuilt).toBeGreaterThanOrEqual(20);
  });
});

describe('manifests that are well-formed but wrong', () => {
  let corpusDir: string;
  let indexDir: string;
  const embedder = hashingEmbedder();

  beforeAll(async () => {
    ({ corpusDir, indexDir } = await tempCorpus('wrong-manifest-'));
    await buildIndex({ corpusDir, indexDir, embedder });
  });

  /** Rewrites the manifest with a valid checksum, as a buggy or foreign writer would, and tries to load it. */
  async function loadWith(change: (m: Manifest & Record<string, unknown>) => unknown): Promise<unknown> {
    const file = path.join(await currentGeneration(indexDir), 'manifest.json');
    const before = await readFile(file, 'utf8');
    const manifest = parseManifest(before, 'x') as Manifest & Record<string, unknown>;
    change(manifest);
    await writeFile(file, serialiseManifest(manifest));
    try {
      await loadSnapshot(indexDir, embedder);
      return null;
    } catch (err) {
      return err;
    } finally {
      await writeFile(file, before);
    }
  }

  it.each([
    ['a renamed document key', (m: Manifest) => {
      const [file] = Object.keys(m.documents);
      m.documents[`${file}x`] = m.documents[file];
      delete m.documents[file];
    }, /passages of the index .* disagree with the articles its manifest lists/],
    ['efSearch as text', (m: Manifest) => Object.assign(m.hnsw, { efSearch: '128' }), /invalid \(hnsw\.efSearch: .*expected number/],
    ['a negative efSearch', (m: Manifest) => Object.assign(m.hnsw, { efSearch: -1 }), /invalid \(hnsw\.efSearch:/],
    ['a fractional dimension', (m: Manifest) => Object.assign(m, { dimension: 32.5 }), /invalid \(dimension:/],
    ['a malformed date', (m: Manifest) => Object.assign(Object.values(m.documents)[0], { date: '2024-13' }), /invalid \(documents\..+\.date: expected YYYY-MM-DD\)/],
    ['a missing source', (m: Manifest) => Object.assign(Object.values(m.documents)[0], { source: undefined }), /invalid \(documents\..+\.source:/],
    ['a passage count that disagrees', (m: Manifest) => Object.assign(m.counts, { chunks: m.counts.chunks + 1 }), /invalid \(counts\.chunks: disagrees/],
    ['an unknown field', (m: Manifest & Record<string, unknown>) => Object.assign(m, { extra: true }), /invalid \(its top level: Unrecognized key/],
    ['a missing file checksum', (m: Manifest) => delete m.files['index.hnsw'], /index\.hnsw .* is corrupt/],
  ])('%s is refused in one sentence', async (_, change, message) => {
    const err = await loadWith(change as (m: Manifest & Record<string, unknown>) => unknown);
    expect(err).toBeInstanceOf(IndexUnusableError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^[^\n]+\.$/);
  });

  it('an index of the previous format (no checksum) is refused by its version and rebuilt', async () => {
    const file = path.join(await currentGeneration(indexDir), 'manifest.json');
    const { checksum: _, ...fields } = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...fields, version: MANIFEST_VERSION - 1 }, null, 2));
    const log: string[] = [];
    await new IndexService({ corpusDir, indexDir, embedder, log: (m) => log.push(m) }).current();
    expect(log).toEqual([expect.stringMatching(new RegExp(`has format version ${MANIFEST_VERSION - 1}, expected ${MANIFEST_VERSION}\\. Rebuilding it`))]);
    await expect(loadSnapshot(indexDir, embedder)).resolves.toBeTruthy();
  });
});

describe('generations left by a killed build', () => {
  const generations = async (indexDir: string) => (await readdir(indexDir)).filter((e) => e.startsWith('gen-')).sort();

  it('a generation a live process is writing is kept; after kill -9 it is removed at the next open', { timeout: 60_000 }, async () => {
    const { corpusDir, indexDir } = await tempCorpus('killed-writer-');
    const embedder = hashingEmbedder();
    await buildIndex({ corpusDir, indexDir, embedder });
    const current = path.basename(await currentGeneration(indexDir));

    const writer = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/stalled-writer.ts', indexDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    try {
      const [line] = await createInterface({ input: writer.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
      const inProgress = line.replace(/^writing /, '');
      expect(inProgress).toMatch(new RegExp(`-p${writer.pid}$`));
      expect(await generations(indexDir)).toEqual([current, inProgress].sort());

      // Another process opens the index while the write is under way: the generation being written stays.
      expect((await loadSnapshot(indexDir, embedder)).manifest.counts.documents).toBe(5);
      expect(await generations(indexDir)).toEqual([current, inProgress].sort());

      writer.kill('SIGKILL');
      await exited;
      expect((await loadSnapshot(indexDir, embedder)).manifest.counts.documents).toBe(5);
      expect(await generations(indexDir)).toEqual([current]);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('without a live writer to ask, a leftover is removed only once it is an hour old', async () => {
    const { corpusDir, indexDir } = await tempCorpus('old-leftover-');
    const embedder = hashingEmbedder();
    await buildIndex({ corpusDir, indexDir, embedder });
    const current = await currentGeneration(indexDir);
    // Names of the previous format (no writer) and of another host (whose processes cannot be checked).
    const young = ['gen-young', 'gen-m0-abcdef-h00000000-p1'];
    const old = ['gen-old', 'gen-m1-abcdef-h00000000-p1'];
    for (const name of [...young, ...old]) await cp(current, path.join(indexDir, name), { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const name of old) await utimes(path.join(indexDir, name), twoHoursAgo, twoHoursAgo);

    await loadSnapshot(indexDir, embedder);
    expect(await generations(indexDir)).toEqual([path.basename(current), ...young].sort());
  });

  it('a write that fails removes its own half-written generation at once', async () => {
    const { corpusDir, indexDir } = await tempCorpus('failed-write-');
    const { snapshot } = await buildIndex({ corpusDir, indexDir, embedder: hashingEmbedder() });
    const before = await generations(indexDir);
    const passages = { base: null, removed: [], added: [], counts: emptyCounts(), stories: { removed: null, added: NO_STORY_SENTENCES, stock: new Set<string>() } };
    const failing = { vectors: snapshot.vectors, passages, hnsw: { writeIndexSync: () => { throw new Error('disk full'); } } as unknown as typeof snapshot.hnsw };
    const { files: _, ...manifest } = snapshot.manifest;
    await expect(saveSnapshot(indexDir, failing, manifest)).rejects.toThrow('disk full');
    expect(await generations(indexDir)).toEqual(before);
    expect((await readdir(indexDir)).filter((e) => e.endsWith('.tmp'))).toEqual([]);
    await rm(indexDir, { recursive: true });
  });
});
