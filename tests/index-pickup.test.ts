import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusUpdates } from '../src/app/corpus-updates.js';
import { buildIndex } from '../src/index/build.js';
import { watchGeneration } from '../src/index/generation-watcher.js';
import { IndexService } from '../src/index/index-service.js';
import { WriterLockBusyError } from '../src/index/writer-lock.js';
import { waitFor } from './helpers/bot-harness.js';
import { eventually } from './helpers/bot-processes.js';
import { hashingEmbedder } from './helpers/hashing-embedder.js';
import { allPassages } from './helpers/passages.js';
import { startHolder, type Holder } from './helpers/holder-process.js';
import { tempCorpus } from './helpers/seed-runtime.js';

let root: string;
let corpusDir: string;
let indexDir: string;
const holders: Holder[] = [];
const stops: Array<() => void> = [];

beforeEach(async () => {
  ({ root, corpusDir, indexDir } = await tempCorpus('pickup-'));
});

afterEach(async () => {
  stops.splice(0).forEach((stop) => stop());
  await Promise.all(holders.splice(0).map((h) => h.kill()));
  await rm(root, { recursive: true, force: true });
});

const service = (log?: (m: string) => void, embedder = hashingEmbedder()) => new IndexService({ corpusDir, indexDir, embedder, log });
const pointer = async () => (await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim();
const generations = async () => (await readdir(indexDir)).filter((e) => e.startsWith('gen-')).sort();
const files = async (s: IndexService) => new Set(allPassages(await s.current()).map(([, c]) => c.file));
const addArticle = (name = '020_harbour.md') =>
  writeFile(path.join(corpusDir, name), '---\ntitle: Harbour cranes\n---\nHarbour cranes in Quenton were upgraded this spring.');

describe('a generation written by another process', () => {
  it('is picked up by refresh; the previous folder stays while a process serves it, and goes once none does', async () => {
    const writer = service();
    const reader = service();
    await writer.current();
    const first = await pointer();
    await reader.current();

    await addArticle();
    await writer.rebuild();
    const second = await pointer();
    expect(second).not.toBe(first);
    // The reader still serves the first generation: its folder stays, and the reader answers from it meanwhile.
    expect(await generations()).toEqual([first, second].sort());
    expect((await files(reader)).has('020_harbour.md')).toBe(false);

    await expect(reader.refresh()).resolves.toBe(true);
    expect((await files(reader)).has('020_harbour.md')).toBe(true);
    expect(await generations()).toEqual([second]);
    await expect(reader.refresh()).resolves.toBe(false); // nothing new
  });

  it('is noticed by follow (fs.watch, or the poll) without anyone asking', { timeout: 30_000 }, async () => {
    const writer = service();
    const reader = service();
    await writer.current();
    await reader.current();
    stops.push(reader.follow());
    await addArticle();
    await writer.rebuild();
    await eventually(async () => (await files(reader)).has('020_harbour.md'), 20_000, 'the reader serving the new generation');
  });

  it('keeps a generation another live process leases; after kill -9 of that process it is removed', { timeout: 30_000 }, async () => {
    const writer = service();
    await writer.current();
    const first = await pointer();
    const reader = await startHolder('lease', indexDir, first);
    holders.push(reader);
    await addArticle();
    await writer.rebuild();
    expect(await generations()).toEqual([first, await pointer()].sort());

    await reader.kill();
    await addArticle('021_more.md');
    await writer.rebuild();
    expect(await generations()).toEqual([await pointer()]);
  });

  it('built by another model is refused once, in one sentence, and the served index stays', async () => {
    const log: string[] = [];
    const reader = service((m) => log.push(m));
    const served = await reader.current();
    log.length = 0;
    await addArticle();
    await buildIndex({ corpusDir, indexDir, embedder: hashingEmbedder(32, 'other-model') });
    await expect(reader.refresh()).resolves.toBe(false);
    await expect(reader.refresh()).resolves.toBe(false);
    expect(await reader.current()).toBe(served);
    expect(log).toEqual([expect.stringMatching(/built with model other-model, but the embedder is test-hashing\. Still answering from the index loaded before\.$/)]);
  });
});

describe('one writer per index folder', () => {
  it('a rebuild while another process holds the lock is refused; the served index stays', { timeout: 30_000 }, async () => {
    const s = service();
    const served = await s.current();
    const holder = await startHolder('lock', indexDir);
    holders.push(holder);
    await addArticle();
    const refused = await s.rebuild().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WriterLockBusyError);
    expect(await s.current()).toBe(served);
    expect(s.isRebuilding).toBe(false);
  });

  it('with no index yet, a process whose build is refused waits for the other writer and loads its result', { timeout: 30_000 }, async () => {
    const holder = await startHolder('lock', indexDir);
    holders.push(holder);
    const log: string[] = [];
    const embedder = hashingEmbedder();
    const waiting = service((m) => log.push(m), embedder).current();
    await waitFor(() => log.some((m) => m.includes(`Another process (pid ${holder.pid}) is rebuilding this index. Waiting for it`)), 10_000);
    // What the other writer does while it holds the lock: write a generation, then exit.
    await buildIndex({ corpusDir, indexDir, embedder: hashingEmbedder() });
    await holder.exit();
    const snapshot = await waiting;
    expect(snapshot.manifest.counts.documents).toBe(5);
    expect(embedder.calls).toBe(0); // loaded, not built a second time
  });
});

describe('a rebuild after another process wrote a newer generation', () => {
  it('starts from that generation: nothing it already holds is built again', async () => {
    const writer = service();
    const embedder = hashingEmbedder();
    const late = service(undefined, embedder);
    await writer.current();
    await late.current();
    await addArticle();
    await writer.rebuild();
    const callsBefore = embedder.calls;
    // `late` has not picked the new generation up; its own rebuild (a /reindex, its corpus watcher) does, first.
    const summary = await late.rebuild();
    expect(summary.rebuilt).toBe(false);
    expect(embedder.calls).toBe(callsBefore);
    expect((await files(late)).has('020_harbour.md')).toBe(true);
  });

  it('from the corpus watcher waits for another process that holds the writer lock instead of failing', { timeout: 30_000 }, async () => {
    const s = service();
    await s.current();
    const holder = await startHolder('lock', indexDir);
    holders.push(holder);
    await addArticle();
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    const updates = new CorpusUpdates({ index: s, corpusDir, maxUploadBytes: 1 << 20, log: quiet });
    let settled = false;
    const rebuilt = updates.rebuild().finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(settled).toBe(false);
    await holder.exit();
    expect((await rebuilt).added).toEqual(['020_harbour.md']);
  });
});

describe('watching CURRENT', () => {
  it('reports a new CURRENT renamed into place through fs.watch, long before the poll would', async () => {
    await mkdir(indexDir, { recursive: true });
    let changes = 0;
    stops.push(watchGeneration(indexDir, () => changes++, 3_600_000));
    await writeFile(path.join(indexDir, 'CURRENT.tmp'), 'gen-next');
    await rename(path.join(indexDir, 'CURRENT.tmp'), path.join(indexDir, 'CURRENT'));
    await waitFor(() => changes > 0, 10_000, 'an fs.watch event for CURRENT');
  });
});
