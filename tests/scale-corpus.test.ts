import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paragraphPool, prepareScaleCorpus, scaleDocument, scaleFileName } from '../src/bench/scale-corpus.js';
import { readBrownSamples } from '../src/corpus/brown.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { tempDirs } from './helpers/temp-dirs.js';

const DOCUMENTS = 8;
const tempDir = tempDirs().make;

async function contents(dir: string): Promise<Map<string, string>> {
  const files = (await readdir(dir)).sort();
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')] as const)));
}

describe('scale corpus generator', () => {
  it('writes the same articles in every run, and article i does not depend on N', async () => {
    const [a, b] = [await tempDir('scale-a-'), await tempDir('scale-b-')];
    const first = await prepareScaleCorpus('corpus', DOCUMENTS, a);
    const second = await prepareScaleCorpus('corpus', DOCUMENTS, b);
    const [filesA, filesB] = [await contents(first.corpusDir), await contents(second.corpusDir)];
    expect(filesA.size).toBe(DOCUMENTS + 5);
    expect([...filesA]).toEqual([...filesB]);
    // Different articles, not one repeated.
    expect(new Set([...filesA.values()]).size).toBe(filesA.size);

    const pool = paragraphPool(await readBrownSamples());
    for (let i = 0; i < DOCUMENTS; i++) expect(scaleDocument(i, pool).text).toBe(filesA.get(scaleFileName(i)));
    const smaller = await prepareScaleCorpus('corpus', 3, a);
    expect((await readFile(path.join(smaller.corpusDir, scaleFileName(2)), 'utf8'))).toBe(filesA.get(scaleFileName(2)));
  });

  it('writes front matter the corpus loader reads: a title and a date spread over years', async () => {
    const { corpusDir } = await prepareScaleCorpus('corpus', DOCUMENTS, await tempDir('scale-load-'));
    const { documents, skipped } = await loadCorpus(corpusDir);
    expect(skipped).toEqual([]);
    const generated = documents.filter((d) => d.file.startsWith('scale_'));
    expect(generated).toHaveLength(DOCUMENTS);
    expect(documents.filter((d) => !d.file.startsWith('scale_')).map((d) => d.file)).toEqual((await readdir('corpus')).sort());
    for (const d of generated) {
      expect(d.title).toMatch(/^\S.{10,} \([a-z :]+\)$/);
      expect(d.date).toMatch(/^20(1\d|2[0-4])-\d\d-\d\d$/);
      // The front matter is not part of the text that is chunked and quoted.
      expect(d.text).not.toMatch(/^---|title:|date:/);
      expect(d.text.split(/\n\n/).length).toBeGreaterThanOrEqual(4);
    }
    expect(new Set(generated.map((d) => d.date!.slice(0, 4))).size).toBeGreaterThan(2);
  });

  it('reuses a complete cached corpus and rewrites one from another generator version', async () => {
    const cache = await tempDir('scale-cache-');
    const { corpusDir } = await prepareScaleCorpus('corpus', 4, cache);
    const edited = path.join(corpusDir, scaleFileName(0));
    const original = await readFile(edited, 'utf8');
    await writeFile(edited, 'edited');
    expect((await prepareScaleCorpus('corpus', 4, cache)).reused).toBe(true);
    expect(await readFile(edited, 'utf8')).toBe('edited');

    await writeFile(path.join(cache, 'scale', '4', 'complete.json'), JSON.stringify({ version: 0, documents: 4 }));
    expect((await prepareScaleCorpus('corpus', 4, cache)).reused).toBe(false);
    expect(await readFile(edited, 'utf8')).toBe(original);
  });
});
