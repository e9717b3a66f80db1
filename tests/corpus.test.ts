import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/corpus/loader.js';
import { deriveMetadata, normaliseDate } from '../src/corpus/metadata.js';

describe('seed corpus metadata', async () => {
  const { documents, skipped } = await loadCorpus('corpus');
  const byPrefix = (prefix: string) => documents.find((d) => d.file.startsWith(prefix))!;

  it('loads all five seeds', () => {
    expect(skipped).toEqual([]);
    expect(documents.map((d) => d.file.slice(0, 3))).toEqual(['000', '001', '002', '003', '004']);
    for (const d of documents) expect(d.source).toBe(`corpus/${d.file}`);
  });

  it('reads the wire-copy date prefix and keeps it out of the text', () => {
    const d = byPrefix('000');
    expect(d.date).toBe('2024-11-04');
    expect(d.title).toMatch(/^Russian Foreign Sergey Lavrov has asserted that the ongoing conflict in the Middle East/);
    expect(d.text.startsWith('Russian Foreign Sergey Lavrov')).toBe(true);
    expect(byPrefix('004').date).toBe('2023-11-12');
    expect(byPrefix('004').text.startsWith('Russia has expressed its concerns')).toBe(true);
  });

  it('takes a headline line as the title, once, and drops the photo credit', () => {
    const d = byPrefix('001');
    expect(d.title).toBe('Lavrov: US Military Buildup in the Middle East will lead to a tightening of relations');
    expect(d.date).toBeNull();
    expect(d.text.startsWith('The Minister of Foreign Affairs of Russia')).toBe(true);
  });

  it('reads a headline followed by a "28 December 2023" dateline', () => {
    const d = byPrefix('002');
    expect(d.title).toBe('Lavrov Advocates Breaking the Cycle of Violence in the Palestinian-Israeli Conflict');
    expect(d.date).toBe('2023-12-28');
    expect(d.text.startsWith('Russian Foreign Minister Sergey Lavrov, in an exclusive interview')).toBe(true);
  });

  it('derives a title from the first sentence when there is no headline, and no date when there is none', () => {
    const d = byPrefix('003');
    expect(d.date).toBeNull();
    expect(d.title).toMatch(/^Russian Foreign Minister Sergey Lavrov affirmed that Moscow sees it as a top priority/);
    expect(d.title.length).toBeLessThanOrEqual(121);
    expect(d.title.endsWith('…')).toBe(true);
  });
});

describe('metadata edge cases', () => {
  it('prefers YAML front matter', () => {
    const meta = deriveMetadata('---\ntitle: "A headline"\ndate: 2024-02-03\nurl: https://example.org/a\n---\nBody text here.', 'a.md');
    expect(meta).toEqual({ title: 'A headline', date: '2024-02-03', url: 'https://example.org/a', body: 'Body text here.', titleFound: true });
  });

  it('accepts only real calendar dates', () => {
    expect(normaliseDate('28 December 2023')).toBe('2023-12-28');
    expect(normaliseDate('December 28, 2023')).toBe('2023-12-28');
    expect(normaliseDate('2023-02-30')).toBeNull();
    expect(normaliseDate('Yesterday')).toBeNull();
  });
});

describe('unusable files', () => {
  it('skips empty, binary and unreadable files with a warning naming each, and loads the rest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'corpus-'));
    await writeFile(path.join(dir, 'good.md'), 'A real article about the harbour. It has two sentences.');
    await writeFile(path.join(dir, 'empty.txt'), '  \n\n');
    await writeFile(path.join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    await writeFile(path.join(dir, 'locked.txt'), 'secret');
    await chmod(path.join(dir, 'locked.txt'), 0o000);
    await writeFile(path.join(dir, 'notes.json'), '{}');
    const warnings: string[] = [];
    const { documents, skipped } = await loadCorpus(dir, (m) => warnings.push(m));
    expect(documents.map((d) => d.file)).toEqual(process.getuid?.() === 0 ? ['good.md', 'locked.txt'] : ['good.md']);
    expect(skipped.map((s) => path.basename(s.source)).sort()).toEqual(
      (process.getuid?.() === 0 ? ['binary.txt', 'empty.txt'] : ['binary.txt', 'empty.txt', 'locked.txt']).sort(),
    );
    expect(warnings.some((w) => w.includes('binary.txt') && /binary/.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes('empty.txt'))).toBe(true);
  });

  it('reports a missing corpus folder clearly', async () => {
    await expect(loadCorpus('/nonexistent/corpus')).rejects.toThrow(/Cannot read the corpus folder/);
  });
});
