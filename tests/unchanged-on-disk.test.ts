import { appendFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../src/app/runtime.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { buildIndex, summaryIfUpToDate } from '../src/index/build.js';
import { scanCorpus } from '../src/index/corpus-scan.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { corpusUnchangedOnDisk } from '../src/index/unchanged-on-disk.js';
import { tempCorpus } from './helpers/seed-runtime.js';

const LIMIT = 4 * 1024 * 1024;
const AN_HOUR_AGO = new Date(Date.now() - 3_600_000);
let corpusDir: string;
let snapshot: IndexSnapshot;
let model: { modelId: string; dimension: number };

beforeAll(async () => {
  const settings = await tempCorpus('stat-');
  corpusDir = settings.corpusDir;
  // Files written long before the build, as in a real corpus (a fresh copy would be "racy": see below).
  for (const name of await readdir(corpusDir)) await utimes(path.join(corpusDir, name), AN_HOUR_AGO, AN_HOUR_AGO);
  const runtime = await openRuntime(settings, () => {});
  snapshot = await runtime.index.current();
  model = runtime.embedder;
});

describe('a no-op reindex without reading the articles', () => {
  it('the manifest records each article’s size and modification time; unchanged, a reindex reports nothing to do', async () => {
    const first = Object.values(snapshot.manifest.documents)[0];
    expect(first.size).toBeGreaterThan(0);
    expect(Math.abs(first.mtimeMs! - AN_HOUR_AGO.getTime())).toBeLessThan(1); // file times carry sub-millisecond digits
    expect(await corpusUnchangedOnDisk(corpusDir, snapshot.manifest, LIMIT)).toBe(true);
    const summary = await summaryIfUpToDate({ corpusDir, previous: snapshot, model });
    expect(summary).toMatchObject({ rebuilt: false, added: [], changed: [], removed: [], documents: 5 });
  });

  it('any doubt reads the corpus: a touched, added or removed file, a lower size limit, an index without sizes', async () => {
    const [name] = Object.keys(snapshot.manifest.documents);
    const file = path.join(corpusDir, name);
    const later = new Date(AN_HOUR_AGO.getTime() + 60_000);
    await utimes(file, later, later);
    expect(await corpusUnchangedOnDisk(corpusDir, snapshot.manifest, LIMIT)).toBe(false);
    // Same bytes: reading them finds nothing changed after all.
    expect(await summaryIfUpToDate({ corpusDir, previous: snapshot, model })).toMatchObject({ rebuilt: false });
    await utimes(file, AN_HOUR_AGO, AN_HOUR_AGO);
    expect(await corpusUnchangedOnDisk(corpusDir, snapshot.manifest, LIMIT)).toBe(true);

    expect(await corpusUnchangedOnDisk(corpusDir, snapshot.manifest, 100)).toBe(false);
    const withoutSizes = { ...snapshot.manifest, documents: { ...snapshot.manifest.documents, [name]: { ...snapshot.manifest.documents[name], size: undefined } } };
    expect(await corpusUnchangedOnDisk(corpusDir, withoutSizes, LIMIT)).toBe(false);

    const extra = path.join(corpusDir, 'zz_new.md');
    await writeFile(extra, '---\ntitle: New\n---\nA new article about Hezbollah.\n');
    await utimes(extra, AN_HOUR_AGO, AN_HOUR_AGO);
    expect(await corpusUnchangedOnDisk(corpusDir, snapshot.manifest, LIMIT)).toBe(false);
    expect(await summaryIfUpToDate({ corpusDir, previous: snapshot, model })).toBeNull();
    await rm(extra);
    expect(await corpusUnchangedOnDisk(corpusDir, snapshot.manifest, LIMIT)).toBe(true);
  });

  it('does not trust a time within two seconds of the build: a coarse file-system clock could hide a second change', async () => {
    const [name] = Object.keys(snapshot.manifest.documents);
    const file = path.join(corpusDir, name);
    const justBefore = new Date(Date.parse(snapshot.manifest.builtAt) - 500);
    await utimes(file, justBefore, justBefore);
    const { mtimeMs } = await stat(file);
    const racy = { ...snapshot.manifest, documents: { ...snapshot.manifest.documents, [name]: { ...snapshot.manifest.documents[name], mtimeMs } } };
    expect(await corpusUnchangedOnDisk(corpusDir, racy, LIMIT)).toBe(false);
    // The same record an hour older is trusted.
    await utimes(file, AN_HOUR_AGO, AN_HOUR_AGO);
    const settled = { ...racy, documents: { ...racy.documents, [name]: { ...racy.documents[name], mtimeMs: (await stat(file)).mtimeMs } } };
    expect(await corpusUnchangedOnDisk(corpusDir, settled, LIMIT)).toBe(true);
  });
});

describe('a change reads only the articles whose size or time differ', () => {
  const metadata = ({ text: _, ...rest }: { text?: string }) => rest;

  it('a changed, an added and a removed article: only they and a file skipped before are read; the same documents and index as reading all', async () => {
    const settings = await tempCorpus('scan-');
    const { corpusDir: dir, indexDir } = settings;
    await writeFile(path.join(dir, 'zz_binary.txt'), Buffer.from([0x41, 0, 0x42]));
    for (const name of await readdir(dir)) await utimes(path.join(dir, name), AN_HOUR_AGO, AN_HOUR_AGO);
    const embedder = (await openRuntime(settings, () => {})).embedder;
    const { snapshot: previous } = await buildIndex({ corpusDir: dir, indexDir, embedder });

    const names = Object.keys(previous.manifest.documents).sort();
    await appendFile(path.join(dir, names[1]), '\n\nCorrection: the meeting was on Tuesday.\n');
    await writeFile(path.join(dir, 'zz_new.md'), '---\ntitle: New\ndate: 2024-05-01\n---\nA new article about Hezbollah and Lavrov.\n');
    await rm(path.join(dir, names[3]));

    const warnings: string[] = [];
    const scanned = await scanCorpus(dir, previous.manifest, (m) => warnings.push(m), LIMIT);
    const loaded = await loadCorpus(dir, () => {}, { maxArticleBytes: LIMIT });
    // The binary file was skipped last time, so it is not in the manifest: read again, and skipped again.
    expect(scanned.read).toBe(3);
    expect(scanned.skipped).toEqual(loaded.skipped);
    expect(warnings).toEqual([expect.stringContaining('zz_binary.txt: binary content')]);
    expect(scanned.documents.map(metadata)).toEqual(loaded.documents.map(metadata));
    const readNow = scanned.documents.filter((d) => d.text !== undefined).map((d) => d.file);
    expect(readNow).toEqual([names[1], 'zz_new.md']);

    const { summary, snapshot: updated } = await buildIndex({ corpusDir: dir, indexDir, embedder, previous });
    expect(summary).toMatchObject({ added: ['zz_new.md'], changed: [names[1]], removed: [names[3]], rebuilt: true });
    const { snapshot: full } = await buildIndex({ corpusDir: dir, indexDir: path.join(settings.root, 'full'), embedder });
    expect(updated.manifest.documents).toEqual(full.manifest.documents);
    await rm(settings.root, { recursive: true, force: true });
  }, 60_000);

  it('files written within two seconds of the build are read again, older ones are not', async () => {
    const settings = await tempCorpus('scan-racy-');
    const embedder = (await openRuntime(settings, () => {})).embedder;
    const { snapshot } = await buildIndex({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder });
    const records = Object.values(snapshot.manifest.documents);
    const newest = Math.max(...records.map((d) => d.mtimeMs!));
    // As if the build had ended one second after the newest file was written (a slow machine may take longer).
    const oneSecondLater = { ...snapshot.manifest, builtAt: new Date(newest + 1_000).toISOString() };
    const racy = await scanCorpus(settings.corpusDir, oneSecondLater, () => {}, LIMIT);
    const expectedRacy = records.filter((d) => d.mtimeMs! >= newest + 1_000 - 2_000).length;
    expect(expectedRacy).toBeGreaterThan(0);
    expect(racy.read).toBe(expectedRacy);
    const anHourLater = { ...snapshot.manifest, builtAt: new Date(newest + 3_600_000).toISOString() };
    expect((await scanCorpus(settings.corpusDir, anHourLater, () => {}, LIMIT)).read).toBe(0);
    await rm(settings.root, { recursive: true, force: true });
  }, 60_000);
});
