import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { env, pipeline } from '@xenova/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../src/embed/embedder.js';
import { createEmbedder, OFFLINE_MODEL_ID } from '../src/embed/transformers-embedder.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const offlineModule = path.join(repoRoot, 'src', 'embed', 'offline-model.ts');

// A cache of our own: the first test really builds the model, whatever other test files do with theirs.
let cacheDir: string;
let embedder: Embedder;
const buildLog: string[] = [];

beforeAll(() => {
  cacheDir = mkdtempSync(path.join(tmpdir(), 'embed-test-'));
});
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);
const norm = (v: Float32Array) => Math.sqrt(dot(v, v));
const isZero = (v: Float32Array) => v.every((x) => x === 0);

/** About one chunk's worth (the chunker's default is 120 words) of a seed article. */
function seedPassage(): string {
  const text = readFileSync(path.join(repoRoot, 'corpus', '003_59b5f704395a9f78.txt'), 'utf8');
  return text.split(/\s+/).filter(Boolean).slice(0, 120).join(' ');
}

describe('offline model glove-sif-100d', () => {
  it('builds on first use and loads through the feature-extraction pipeline', async () => {
    embedder = await createEmbedder({ model: OFFLINE_MODEL_ID, cacheDir, log: (m) => buildLog.push(m) });
    expect(embedder.modelId).toBe(OFFLINE_MODEL_ID);
    expect(embedder.dimension).toBe(100);
    expect(embedder.maxTokens).toBe(512);
    expect(buildLog).toHaveLength(1);
    expect(buildLog[0]).toMatch(/Building offline embedding model glove-sif-100d/);

    const dir = path.join(cacheDir, OFFLINE_MODEL_ID);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const size = statSync(path.join(dir, 'onnx', 'model.onnx')).size;
    expect(size).toBeGreaterThan(5e6);
    expect(size).toBeLessThan(20e6);
    // Nothing left behind by the build.
    expect(readdirSync(cacheDir)).toEqual([OFFLINE_MODEL_ID]);
  }, 120_000);

  it('is an ordinary transformers.js model: the stock pipeline with its own pooling agrees', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = cacheDir + path.sep;
    const extractor = await pipeline('feature-extraction', OFFLINE_MODEL_ID, { quantized: false });
    const texts = ['Lavrov called for an immediate ceasefire in Gaza', 'How do plants turn sunlight into sugar?'];
    const stock = (await extractor(texts, { pooling: 'mean', normalize: true })).tolist() as number[][];
    const ours = await embedder.embed(texts);
    stock.forEach((v, i) => v.forEach((x, k) => expect(ours[i][k]).toBeCloseTo(x, 5)));
  }, 60_000);

  it('does not build again once cached', async () => {
    const log: string[] = [];
    await createEmbedder({ model: OFFLINE_MODEL_ID, cacheDir, log: (m) => log.push(m) });
    expect(log).toEqual([]);
  });

  it('gives unit vectors of dimension 100', async () => {
    const vectors = await embedder.embed(['Russia and Israel', 'A sentence about ceasefires.', seedPassage()]);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(100);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('scores a paraphrase above an unrelated sentence', async () => {
    const [a, paraphrase, unrelated] = await embedder.embed([
      'Lavrov called for an immediate ceasefire in Gaza',
      'The Russian foreign minister urged a halt to the fighting in Gaza',
      'How do plants turn sunlight into sugar?',
    ]);
    expect(dot(a, paraphrase)).toBeGreaterThan(0.6);
    expect(dot(a, unrelated)).toBeLessThan(0.3);
  });

  it('separates on-topic from off-topic questions against a corpus passage', async () => {
    const [passage, ...questions] = await embedder.embed([
      seedPassage(),
      'What did Lavrov say about a ceasefire between Israel and the Palestinians?',
      'Does Russia want humanitarian corridors in Gaza?',
      'What is a good recipe for chocolate cake?',
      'How do I reset the password of my wifi router?',
    ]);
    const [on1, on2, off1, off2] = questions.map((q) => dot(passage, q));
    expect(Math.min(on1, on2)).toBeGreaterThan(0.6);
    expect(Math.max(off1, off2)).toBeLessThan(0.35);
    expect(Math.min(on1, on2) - Math.max(off1, off2)).toBeGreaterThan(0.3);
  });

  it('gives zero vectors, never NaN, to text without a known token', async () => {
    const texts = ['', '   \n\t', 'zzqxv qqqzz', '—', 'Gaza ceasefire'];
    const together = await embedder.embed(texts);
    const alone = await Promise.all(texts.map(async (t) => (await embedder.embed([t]))[0]));
    for (const vectors of [together, alone]) {
      vectors.forEach((v) => expect(v.some(Number.isNaN)).toBe(false));
      expect(vectors.slice(0, 4).every(isZero)).toBe(true);
      expect(norm(vectors[4])).toBeCloseTo(1, 5);
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it('gives the same vectors batched as one by one, in input order', async () => {
    const texts = [
      seedPassage(),
      'Ceasefire',
      'The Kremlin said talks would continue next week in Moscow.',
      '',
      'Hezbollah and Israel exchanged fire across the border.',
      'How do plants turn sunlight into sugar?',
      'zzqxv',
    ];
    const batched = await (await createEmbedder({ model: OFFLINE_MODEL_ID, cacheDir, batchSize: 3 })).embed(texts);
    const single = await Promise.all(texts.map(async (t) => (await embedder.embed([t]))[0]));
    batched.forEach((v, i) => v.forEach((x, k) => expect(x).toBeCloseTo(single[i][k], 6)));
  });
});

describe('hub models', () => {
  it('falls back to the offline model with one warning when a hub model cannot be had', async () => {
    const log: string[] = [];
    const model = 'no-such-org/no-such-model';
    const fallback = await createEmbedder({ model, cacheDir, allowRemote: false, log: (m) => log.push(m) });
    expect(fallback.modelId).toBe(OFFLINE_MODEL_ID);
    expect(fallback.dimension).toBe(100);
    expect(log).toHaveLength(1);
    expect(log[0]).toContain(model);
    expect(log[0]).not.toContain('\n');
  });

  it('loads a model found in the cache without the hub', async () => {
    // Stands in for a downloaded hub model: same layout, <cacheDir>/<org>/<name>/.
    const model = 'test-org/cached-model';
    cpSync(path.join(cacheDir, OFFLINE_MODEL_ID), path.join(cacheDir, model), { recursive: true });
    const log: string[] = [];
    const cached = await createEmbedder({ model, cacheDir, allowRemote: false, log: (m) => log.push(m) });
    expect(log).toEqual([]);
    expect(cached.modelId).toBe(model);
    const [v] = await cached.embed(['Gaza ceasefire']);
    const [w] = await embedder.embed(['Gaza ceasefire']);
    expect(dot(v, w)).toBeCloseTo(1, 5);
  });
});

describe('building concurrently', () => {
  it('lets several processes build at once over a half-written model and leaves one complete model', async () => {
    const shared = mkdtempSync(path.join(tmpdir(), 'embed-race-'));
    try {
      // What a crash of an older, non-atomic build might have left.
      mkdirSync(path.join(shared, OFFLINE_MODEL_ID));
      writeFileSync(path.join(shared, OFFLINE_MODEL_ID, 'config.json'), '{');
      const script = `import { ensureOfflineModel } from ${JSON.stringify(offlineModule)};
        await ensureOfflineModel(${JSON.stringify(shared)}, () => {});`;
      const run = () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot });
      await Promise.all([run(), run()]);

      expect(readdirSync(shared)).toEqual([OFFLINE_MODEL_ID]);
      const [v] = await (await createEmbedder({ model: OFFLINE_MODEL_ID, cacheDir: shared, log: () => {} })).embed(['Gaza']);
      const [w] = await embedder.embed(['Gaza']);
      expect(dot(v, w)).toBeCloseTo(1, 5);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  }, 120_000);
});
