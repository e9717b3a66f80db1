import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Chunk } from '../src/chunk/chunker.js';
import { parseArrayByLine, sha256InSlices, stringifyArrayByLine } from '../src/index/sliced-io.js';
import { buildKeywordIndex, loadKeywordIndex, serializeKeywordIndex } from '../src/search/keyword-index.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Counts turns of the event loop (setImmediate callbacks) while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return turns;
}

describe('one JSON element per line', () => {
  it('round-trips awkward values: newlines, commas, brackets and multi-byte characters inside strings', async () => {
    const items = [
      { text: 'line one\nline two,\n]', n: 1 },
      'Ünïcødé — 日本語 — 🙂\n]',
      [1, [2, [3]]],
      null,
      ',',
      { nested: { deep: ['\n', '\r\n', '"quoted"'] } },
    ];
    const text = stringifyArrayByLine(items);
    expect(JSON.parse(text)).toEqual(items); // still one valid JSON document
    expect(text.split('\n')).toHaveLength(items.length + 3); // "[", one line each, "]", and the final newline
    expect(await parseArrayByLine(bytes(text))).toEqual(items);
    expect(await parseArrayByLine(bytes(stringifyArrayByLine([])))).toEqual([]);
    expect(await parseArrayByLine(bytes(stringifyArrayByLine([{ only: 1 }])))).toEqual([{ only: 1 }]);
  });

  it('refuses any other layout with a SyntaxError', async () => {
    for (const text of ['[1,2,3]', '{"a":1}', '[\n1,\n2\n', '[\n1,\n2\n]\nextra', '', '[\n1\n2\n]\n']) {
      await expect(parseArrayByLine(bytes(text)), JSON.stringify(text)).rejects.toBeInstanceOf(SyntaxError);
    }
  });

  it('lets the event loop run while it parses a large array', async () => {
    const items = Array.from({ length: 60_000 }, (_, i) => ({ i, text: `passage ${i} `.repeat(20) }));
    const text = bytes(stringifyArrayByLine(items));
    let parsed: unknown[] = [];
    const turns = await turnsDuring(async () => (parsed = await parseArrayByLine(text)));
    expect(parsed).toEqual(items);
    expect(turns).toBeGreaterThan(1);
  });

  it('keeps a keyword index intact through its line-per-term file', async () => {
    const texts: Array<[string, string]> = [
      ['a.txt', 'Lavrov met the ministers in Tehran.'],
      ['b.txt', 'Hezbollah and Israel exchanged fire across the border.'],
      ['c.txt', 'Kuwaiti officials called for an immediate ceasefire.'],
    ];
    const chunks: Chunk[] = texts.map(([file, text]) => ({ file, ordinal: 0, start: 0, end: text.length, text, sentences: [[0, text.length]] }));
    const built = buildKeywordIndex(chunks, (file) => `Title of ${file}`);
    const loaded = await loadKeywordIndex(bytes(serializeKeywordIndex(built)));
    for (const query of ['Tehran', 'Hezbollah border', 'ceasefire Kuwait', 'title']) {
      expect(loaded.search(query)).toEqual(built.search(query));
    }
    expect(loaded.documentCount).toBe(3);
  });
});

describe('sha256 in slices', () => {
  it('equals a one-shot sha256 for empty, small and multi-megabyte input', async () => {
    for (const size of [0, 1, 1 << 20, (1 << 20) + 1, 5_000_000]) {
      const data = Buffer.alloc(size, 0);
      for (let i = 0; i < size; i += 997) data[i] = i % 251;
      expect(await sha256InSlices(data), `size ${size}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});
