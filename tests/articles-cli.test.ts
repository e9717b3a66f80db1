import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../src/index/store.js';
import { tempCorpus } from './helpers/seed-runtime.js';

let core: Awaited<ReturnType<typeof tempCorpus>>;

beforeAll(async () => {
  core = await tempCorpus('articles-cli-');
});

/** Runs a CLI entry point the way `npm run --silent add -- …` does. */
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d', INDEX_DIR: core.indexDir, CORPUS_DIR: core.corpusDir, ...env },
    timeout: 90_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run add / npm run remove', () => {
  it('adds files through the same checks as /add, indexes them, then removes one', async () => {
    const good = path.join(core.root, 'storm.md');
    const untitled = path.join(core.root, 'untitled.txt');
    const big = path.join(core.root, 'big.txt');
    await writeFile(good, '---\ntitle: "Storm closes the port: ferries cancelled"\ndate: 2024-02-01\n---\nA storm closed the port of Alder on Thursday and every ferry was cancelled.');
    await writeFile(untitled, 'The council met on Monday and agreed to rebuild the pier by the summer.');
    await writeFile(big, `Headline of a big file\n\n${'x'.repeat(3000)}`);
    const added = run('src/cli/add.ts', [good, untitled, big], { MAX_UPLOAD_BYTES: '2000' });
    expect(added.stdout.trim().split('\n')).toEqual([
      'Added "Storm closes the port: ferries cancelled" as storm-closes-the-port-ferries-cancelled.md (1 passage).',
      `Not added: "${big}" is 3.0 KiB (3,024 bytes), over the 2.0 KiB (2,000 bytes) upload limit (MAX_UPLOAD_BYTES).`,
      'Not added: "untitled.txt" has no title (no front matter title, headline line or HTML title); give one with the title option.',
    ]);
    expect(added.code).toBe(1); // something was refused
    const titled = run('src/cli/add.ts', [untitled, '--title', 'Pier to be rebuilt']);
    expect(titled.stdout.trim()).toBe('Added "Pier to be rebuilt" as pier-to-be-rebuilt.md (1 passage).');
    expect(titled.code).toBe(0);
    expect((await loadSnapshot(core.indexDir, { modelId: 'glove-sif-100d', dimension: 100 })).manifest.documents['pier-to-be-rebuilt.md']).toBeDefined();

    const removed = run('src/cli/remove.ts', ['pier-to-be-rebuilt.md']);
    expect(removed.stdout.trim()).toBe('Removed pier-to-be-rebuilt.md ("Pier to be rebuilt"); the index now holds 6 articles.');
    expect(removed.code).toBe(0);
    expect(await readdir(core.corpusDir)).not.toContain('pier-to-be-rebuilt.md');
  });

  it('gives one line and a non-zero exit for a bad request', () => {
    expect(run('src/cli/remove.ts', ['missing.txt'])).toMatchObject({ code: 1, stderr: expect.stringContaining('error: There is no article "missing.txt" in the corpus.\n') });
    expect(run('src/cli/add.ts', ['a.txt', 'b.txt', '--title', 'T'])).toMatchObject({ code: 2, stderr: 'error: --title can only be given with a single file.\n' });
    expect(run('src/cli/add.ts', [])).toMatchObject({ code: 2 });
  });
});
