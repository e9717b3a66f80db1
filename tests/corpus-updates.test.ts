import { readdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusUpdates, type UpdateLog } from '../src/app/corpus-updates.js';
import { uploadSettingsFromEnv } from '../src/app/upload-settings.js';
import { downloadAttachment } from '../src/bot/attachment-download.js';
import { readArticleFile } from '../src/corpus/article-file.js';
import { inProcessBuilder, type IndexBuilder } from '../src/index/builder.js';
import { IndexService } from '../src/index/index-service.js';
import { loadSnapshot } from '../src/index/store.js';
import { waitFor } from './helpers/bot-harness.js';
import { hashingEmbedder } from './helpers/hashing-embedder.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import { AttachmentHost } from './helpers/stand-in-attachments.js';

type Entry = Record<string, unknown> & { level: string; msg: string };

/** A corpus with an index service whose builds can be held mid-embedding, counted, and logged. */
async function setUp() {
  const core = await tempCorpus('corpus-updates-');
  const embedder = hashingEmbedder();
  let gate: Promise<void> | null = null;
  let release = () => {};
  const gated = {
    ...embedder,
    async embed(texts: string[]) {
      if (gate) await gate;
      return embedder.embed(texts);
    },
  };
  const inner = inProcessBuilder(gated);
  let builds = 0;
  let embedding = false;
  const builder: IndexBuilder = {
    build(request) {
      builds += 1;
      return inner.build({ ...request, onProgress: (p) => (embedding = p.phase === 'embedding') });
    },
  };
  const index = new IndexService({ corpusDir: core.corpusDir, indexDir: core.indexDir, embedder: gated, builder });
  await index.current();
  builds = 0;
  const entries: Entry[] = [];
  const at = (level: string) => (fields: object, msg: string) => void entries.push({ level, ...fields, msg });
  const log: UpdateLog = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  const updates = new CorpusUpdates({ index, corpusDir: core.corpusDir, maxUploadBytes: 64 * 1024, log, watchDebounceMs: 200 });
  return {
    core,
    index,
    updates,
    entries,
    builds: () => builds,
    embedding: () => embedding,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release() {
      gate = null;
      release();
    },
    write: (name: string, headline: string) => writeFile(path.join(core.corpusDir, name), `${headline}\n\n${headline} happened on Monday, officials said.`),
    files: async () => Object.keys((await index.current()).manifest.documents).sort(),
  };
}

let t: Awaited<ReturnType<typeof setUp>>;
beforeEach(async () => {
  t = await setUp();
});
afterEach(async () => {
  t.release();
  t.updates.stopWatching();
  await rm(t.core.root, { recursive: true, force: true });
});

describe('CorpusUpdates: one rebuild at a time', () => {
  it('queues exactly one more rebuild for every request made while one runs', async () => {
    await t.write('first-story.txt', 'First story headline here');
    t.hold();
    const running = t.updates.rebuild();
    await waitFor(() => t.embedding(), 5_000, 'the first build to embed');
    await t.write('second-story.txt', 'Second story headline here');
    const queued = [t.updates.rebuild(), t.updates.rebuild(), t.updates.rebuild()];
    expect(queued[1]).toBe(queued[0]);
    expect(queued[2]).toBe(queued[0]);
    t.release();
    const [first, second] = await Promise.all([running, queued[0]]);
    expect(first.added).toEqual(['first-story.txt']);
    expect(second.added).toEqual(['second-story.txt']);
    expect(t.builds()).toBe(2);
  });

  it('waits for a rebuild started elsewhere (/reindex) instead of failing', async () => {
    await t.write('third-story.txt', 'Third story headline here');
    t.hold();
    const reindex = t.index.rebuild();
    await waitFor(() => t.embedding(), 5_000, 'the reindex to embed');
    await t.write('fourth-story.txt', 'Fourth story headline here');
    const ours = t.updates.rebuild();
    t.release();
    await reindex;
    expect((await ours).added).toEqual(['fourth-story.txt']);
  });
});

describe('CorpusUpdates: watching the folder', () => {
  it('updates the index once for a burst of changes, and logs what was added, changed and removed', async () => {
    t.updates.watch();
    await t.write('burst-a.txt', 'Burst story A headline');
    await t.write('burst-b.md', 'Burst story B headline');
    await t.write('ignored.tmp', 'not an article');
    await t.write('.hidden.txt', 'Hidden story headline here');
    const updated = () => t.entries.filter((e) => e.msg.startsWith('index updated after a corpus change'));
    await waitFor(() => updated().length === 1, 10_000, 'one index update');
    // The loader reads hidden .txt files too, so they count; .tmp files (how articles are written) never do.
    expect(updated()[0]).toMatchObject({ added: ['.hidden.txt', 'burst-a.txt', 'burst-b.md'], changed: [], removed: [] });
    expect(t.builds()).toBe(1);

    await unlink(path.join(t.core.corpusDir, 'burst-a.txt'));
    await t.write('burst-b.md', 'Burst story B headline, corrected');
    await waitFor(() => updated().length === 2, 10_000, 'a second index update');
    expect(updated()[1]).toMatchObject({ added: [], changed: ['burst-b.md'], removed: ['burst-a.txt'] });
    expect(t.builds()).toBe(2);
  });

  it('does not rebuild again for an article it added itself', async () => {
    t.updates.watch();
    const outcome = await t.updates.add([{ name: 'mine.md', bytes: Buffer.from('# Own story headline\n\nThe bot added this story itself on Monday.') }]);
    expect(outcome.added).toEqual([{ name: 'mine.md', file: 'own-story-headline.md', title: 'Own story headline', passages: 1 }]);
    await waitFor(() => t.entries.some((e) => e.msg === 'corpus change made by this bot: already indexed'), 5_000, 'the watcher to see the file');
    expect(t.builds()).toBe(1);
    expect(t.entries.some((e) => e.msg === 'corpus folder changed: updating the index')).toBe(false);
  });

  it('a file removed during a rebuild is dropped by the one queued after it; the index on disk stays loadable', async () => {
    t.updates.watch();
    await t.write('short-lived.txt', 'Short lived story headline');
    t.hold();
    await waitFor(() => t.embedding(), 10_000, 'the watcher’s build to embed');
    await unlink(path.join(t.core.corpusDir, 'short-lived.txt'));
    t.release();
    const updated = () => t.entries.filter((e) => e.msg.startsWith('index updated after a corpus change'));
    await waitFor(() => updated().length === 2, 10_000, 'the queued update');
    expect(updated().map((e) => [e.added, e.removed])).toEqual([
      [['short-lived.txt'], []],
      [[], ['short-lived.txt']],
    ]);
    expect(t.builds()).toBe(2);
    const onDisk = await loadSnapshot(t.core.indexDir, t.index.embedder);
    expect(Object.keys(onDisk.manifest.documents)).toEqual(await readdir(t.core.corpusDir).then((f) => f.filter((n) => n.endsWith('.txt')).sort()));
  });

  it('a corpus folder that cannot be watched is logged, not fatal', () => {
    const entries: Entry[] = [];
    const at = (level: string) => (fields: object, msg: string) => void entries.push({ level, ...fields, msg });
    const log: UpdateLog = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
    const missing = new CorpusUpdates({ index: t.index, corpusDir: path.join(t.core.root, 'no-such-folder'), maxUploadBytes: 1, log });
    expect(() => missing.watch()).not.toThrow();
    expect(entries.map((e) => [e.level, e.msg])).toEqual([['error', 'watching the corpus folder failed; use /reindex after changing it']]);
  });

  it('a file listed but gone when read is reported as removed, not as a broken link', async () => {
    const result = await readArticleFile(path.join(t.core.corpusDir, 'gone.txt'), t.core.corpusDir, 1024);
    expect(result).toEqual({ reason: 'removed while the corpus was being read' });
  });
});

describe('settings and downloads', () => {
  it('reads MAX_UPLOAD_BYTES and WATCH_CORPUS, refusing bad values in one sentence', () => {
    expect(uploadSettingsFromEnv({})).toEqual({ maxUploadBytes: 2 * 1024 * 1024, watchCorpus: true });
    expect(uploadSettingsFromEnv({ MAX_UPLOAD_BYTES: '5000', WATCH_CORPUS: 'false' })).toEqual({ maxUploadBytes: 5000, watchCorpus: false });
    expect(() => uploadSettingsFromEnv({ WATCH_CORPUS: 'sometimes' })).toThrow('WATCH_CORPUS must be true or false.');
    expect(() => uploadSettingsFromEnv({ MAX_UPLOAD_BYTES: '0' })).toThrow(/^MAX_UPLOAD_BYTES must be a whole number from 1 to \d+\.$/);
  });

  it('gives up on a download that stalls, after the timeout, and on an address the CDN refuses', async () => {
    const host = new AttachmentHost();
    await host.listen();
    try {
      const stalled = host.add('1', 'slow.txt', 'x'.repeat(10_000), { stallAfterBytes: 100 });
      const limits = { allowedOrigins: [host.origin], maxBytes: 1_000_000, timeoutMs: 300 };
      expect(await downloadAttachment({ name: 'slow.txt', size: stalled.size, url: stalled.url }, limits)).toEqual({
        reason: '"slow.txt" took longer than 0.3 s to download from Discord; try again.',
      });
      const fine = host.add('1', 'fine.txt', 'hello');
      expect(await downloadAttachment({ name: 'fine.txt', size: 5, url: fine.url }, limits)).toEqual({ bytes: Buffer.from('hello') });
      const unsigned = fine.url.replace(/hm=[0-9a-f]+/, 'hm=0000');
      expect(await downloadAttachment({ name: 'fine.txt', size: 5, url: unsigned }, limits)).toEqual({
        reason: '"fine.txt" could not be downloaded from Discord (HTTP 404).',
      });
    } finally {
      await host.close();
    }
  });
});
