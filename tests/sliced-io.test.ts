import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256OfFile } from '../src/index/sliced-io.js';

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

describe('sha256 of a file, read in pieces', () => {
  it('equals a one-shot sha256 for empty, small and multi-megabyte files, with event-loop turns while it reads', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sha-'));
    for (const size of [0, 1, 4 << 20, (4 << 20) + 1, 9_000_000]) {
      const data = Buffer.alloc(size, 0);
      for (let i = 0; i < size; i += 997) data[i] = i % 251;
      const file = path.join(dir, `f${size}`);
      await writeFile(file, data);
      let checksum = '';
      const turns = await turnsDuring(async () => (checksum = await sha256OfFile(file)));
      expect(checksum, `size ${size}`).toBe(createHash('sha256').update(data).digest('hex'));
      if (size > 8_000_000) expect(turns).toBeGreaterThan(1);
    }
    await rm(dir, { recursive: true });
  });
});
