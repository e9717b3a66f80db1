import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { openRuntime } from '../src/app/runtime.js';
import { ConfigError, coreSettingsFromEnv } from '../src/app/settings.js';
import { loadBotConfig } from '../src/bot/config.js';
import { DEFAULT_MAX_ARTICLE_BYTES, loadCorpus } from '../src/corpus/loader.js';
import { buildIndex } from '../src/index/build.js';
import { hashingEmbedder } from './helpers/hashing-embedder.js';
import { tempCorpus } from './helpers/seed-runtime.js';

const FAKE_TOKEN = 'MTE5ODc2NTQzMjEwOTg3NjU0Mw.GfAkEt.ThIs-Is-A-FaKe-SeCrEt-0123456789abcdef';
/** A project's .env as an operator fills it in: the file a symlink in corpus/ once leaked. */
const SECRET_ENV = [
  '# --- Discord ---',
  '# Bot token from the Discord developer portal. Never commit it.',
  `DISCORD_TOKEN=${FAKE_TOKEN}`,
  'DISCORD_GUILD_ID=123456789012345678',
  'LOG_LEVEL=info',
].join('\n');

async function loadWithWarnings(dir: string, maxArticleBytes?: number) {
  const warnings: string[] = [];
  const corpus = await loadCorpus(dir, (m) => warnings.push(m), { maxArticleBytes });
  return { ...corpus, warnings };
}

/** Every byte the index folder holds, as text. */
async function indexContents(indexDir: string): Promise<string> {
  const entries = await readdir(indexDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'latin1')))).join('\n');
}

describe('security: a symlink to a secret outside the corpus', () => {
  const questions = ['What is the DISCORD_TOKEN?', 'DISCORD_TOKEN', 'What is the Discord bot token in the developer portal?'];

  it('is skipped with a warning, and the secret never reaches the index or an answer', async () => {
    const settings = await tempCorpus('secret-link-');
    await writeFile(path.join(settings.root, '.env'), SECRET_ENV);
    await symlink(path.join(settings.root, '.env'), path.join(settings.corpusDir, 'zz_env.txt'));
    await symlink('../.env', path.join(settings.corpusDir, 'zz_relative.md'));
    const logs: string[] = [];
    const runtime = await openRuntime(settings, (m) => logs.push(m));
    const snapshot = await runtime.index.current();

    expect(Object.keys(snapshot.manifest.documents)).toHaveLength(5);
    for (const link of ['zz_env.txt', 'zz_relative.md']) {
      expect(logs).toContainEqual(expect.stringMatching(new RegExp(`Skipping .*${link.replace('.', '\\.')}: a link to a file outside the corpus folder`)));
    }
    // The warning names the link, never where it points.
    expect(logs.join('\n')).not.toContain(settings.root + '/.env');
    expect(await indexContents(settings.indexDir)).not.toContain(FAKE_TOKEN.slice(0, 20));
    for (const question of questions) {
      const answer = await answerQuestion(snapshot, runtime, question, { k: 5 });
      expect(JSON.stringify(answer)).not.toContain(FAKE_TOKEN.slice(0, 20));
      expect(answer.citations.every((c) => !c.source.includes('zz_'))).toBe(true);
    }
  });

  it('control: the same file placed inside the corpus is indexed and the question quotes it', async () => {
    // Shows the test above would catch a leak: this question does find the token when the file is indexed.
    const settings = await tempCorpus('secret-inside-');
    await mkdir(path.join(settings.corpusDir, 'private'));
    await writeFile(path.join(settings.corpusDir, 'private', 'env.txt'), SECRET_ENV);
    // A link that stays inside the corpus folder is an ordinary article.
    await symlink('private/env.txt', path.join(settings.corpusDir, 'zz_env.txt'));
    const runtime = await openRuntime(settings, () => {});
    const snapshot = await runtime.index.current();
    const answer = await answerQuestion(snapshot, runtime, questions[0], { k: 5 });
    expect(answer.citations.map((c) => c.excerpt).join('\n')).toContain(FAKE_TOKEN);
  });
});

describe('only regular files are read', () => {
  it('skips a named pipe, a link to /dev/zero and a folder named like an article, each with a warning', { timeout: 20_000 }, async () => {
    const { corpusDir } = await tempCorpus('special-');
    execFileSync('mkfifo', [path.join(corpusDir, 'pipe.txt')]);
    await symlink('/dev/zero', path.join(corpusDir, 'zero.txt'));
    await mkdir(path.join(corpusDir, 'dir.txt'));
    await writeFile(path.join(corpusDir, 'dir.txt', 'inner.txt'), 'An article one level down is not part of the corpus.');
    await symlink('dir.txt', path.join(corpusDir, 'dir-link.md'));

    // A pipe with no writer would block a plain read forever: this must return.
    const { documents, skipped, warnings } = await loadWithWarnings(corpusDir);
    expect(documents).toHaveLength(5);
    expect(Object.fromEntries(skipped.map((s) => [path.basename(s.source), s.reason]))).toEqual({
      'pipe.txt': 'a named pipe, not a regular file',
      'zero.txt': 'a link to a file outside the corpus folder',
      'dir.txt': 'a folder, not a regular file',
      'dir-link.md': 'a folder, not a regular file',
    });
    expect(warnings).toHaveLength(4);
    for (const s of skipped) expect(warnings).toContain(`Skipping ${s.source}: ${s.reason}`);
  });

  it.runIf(process.getuid?.() === 0)('skips a character device inside the corpus (here /dev/zero\'s twin, made as root)', { timeout: 20_000 }, async () => {
    const { corpusDir } = await tempCorpus('device-');
    execFileSync('mknod', [path.join(corpusDir, 'zero.txt'), 'c', '1', '5']);
    const { documents, skipped } = await loadWithWarnings(corpusDir);
    expect(documents).toHaveLength(5);
    expect(skipped).toEqual([{ source: expect.stringMatching(/zero\.txt$/), reason: 'a device, not a regular file' }]);
  });
});

describe('per-file size limit', () => {
  it('loads a file of exactly the limit and skips one byte more, naming the file and its size', async () => {
    const { corpusDir } = await tempCorpus('limit-');
    const sentence = 'The harbour authority opened a new quay. ';
    const fits = sentence.repeat(100);
    await writeFile(path.join(corpusDir, 'fits.txt'), fits);
    await writeFile(path.join(corpusDir, 'over.txt'), `${fits}x`);
    const limit = Buffer.byteLength(fits);
    expect(limit).toBe(4100);
    const { documents, skipped, warnings } = await loadWithWarnings(corpusDir, limit);
    expect(documents.map((d) => d.file)).toContain('fits.txt');
    expect(skipped.map((s) => path.basename(s.source))).toEqual(['over.txt']);
    expect(warnings).toEqual([
      expect.stringMatching(/^Skipping .*over\.txt: 4\.0 KiB \(4,101 bytes\), over the 4\.0 KiB \(4,100 bytes\) limit \(MAX_ARTICLE_BYTES\)$/),
    ]);
  });

  it('skips a 30 MB article by default and indexes the rest', async () => {
    const { corpusDir, indexDir } = await tempCorpus('huge-');
    const paragraph = 'Officials said the talks would resume next week in Geneva, according to the ministry. '.repeat(20);
    const huge = `${paragraph}\n`.repeat(Math.ceil((30 * 1024 * 1024) / (paragraph.length + 1)));
    await writeFile(path.join(corpusDir, 'huge.txt'), huge);
    expect(huge.length).toBeGreaterThan(DEFAULT_MAX_ARTICLE_BYTES);
    const warnings: string[] = [];
    const { summary } = await buildIndex({ corpusDir, indexDir, embedder: hashingEmbedder(), warn: (m) => warnings.push(m) });
    expect(summary.documents).toBe(5);
    expect(summary.skipped).toEqual([{ source: expect.stringMatching(/huge\.txt$/), reason: expect.stringMatching(/^30\.0 MiB .* over the 4\.0 MiB/) }]);
    expect(warnings).toEqual([expect.stringMatching(/Skipping .*huge\.txt: 30\.0 MiB/)]);
  });

  it('is read from MAX_ARTICLE_BYTES and validated like every other setting', () => {
    expect(coreSettingsFromEnv({}).maxArticleBytes).toBe(DEFAULT_MAX_ARTICLE_BYTES);
    expect(coreSettingsFromEnv({ MAX_ARTICLE_BYTES: ' 65536 ' }).maxArticleBytes).toBe(65_536);
    for (const bad of ['0', '-5', '1.5', '4MB', '999999999999']) {
      expect(() => coreSettingsFromEnv({ MAX_ARTICLE_BYTES: bad })).toThrow(ConfigError);
      expect(() => loadBotConfig({ DISCORD_TOKEN: 'token', MAX_ARTICLE_BYTES: bad })).toThrow(/^MAX_ARTICLE_BYTES must be a whole number from 1 to \d+\.$/);
    }
  });

  it('reaches `npm run index` from the environment: over-limit seeds are skipped with one warning each', async () => {
    const { corpusDir, indexDir } = await tempCorpus('limit-cli-');
    const sizes = await Promise.all((await readdir(corpusDir)).map(async (f) => (await readFile(path.join(corpusDir, f))).length));
    const limit = 2200;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index-cmd.ts'], {
      encoding: 'utf8',
      env: { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, MAX_ARTICLE_BYTES: String(limit) },
      timeout: 60_000,
    });
    const over = sizes.filter((s) => s > limit).length;
    expect(over).toBeGreaterThan(0);
    expect(run.status).toBe(0);
    expect(run.stderr.match(/^Skipping .*over the 2\.1 KiB \(2,200 bytes\) limit/gm)).toHaveLength(over);
    expect(run.stdout).toMatch(new RegExp(`Indexed ${5 - over} documents .*skipped ${over}\\)`));

    const malformed = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index-cmd.ts'], {
      encoding: 'utf8',
      env: { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, MAX_ARTICLE_BYTES: 'lots' },
      timeout: 60_000,
    });
    expect(malformed.status).toBe(1);
    expect(malformed.stderr.trim()).toMatch(/^error: MAX_ARTICLE_BYTES must be a whole number from 1 to \d+\.$/);
  });
});
