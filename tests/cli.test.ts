import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SNIPPET_CHARS } from '../src/answer/snippet.js';
import { keepStart } from '../src/text/cut.js';
import { tempCorpus } from './helpers/seed-runtime.js';

let corpusDir: string;
let indexDir: string;

beforeAll(async () => {
  ({ corpusDir, indexDir } = await tempCorpus('cli-'));
});

/** Runs a CLI entry point the way `npm run --silent ask -- …` does. */
function run(script: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d', INDEX_DIR: indexDir, CORPUS_DIR: corpusDir },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CITATION_KEYS = ['n', 'source', 'title', 'date', 'url', 'score', 'excerpt', 'highlight', 'evidence', 'snippet'];

describe('ask --json', () => {
  it('builds the index when there is none and prints exactly one JSON object of the documented shape', () => {
    const { code, stdout, stderr } = run('src/cli/ask.ts', ['--json', 'What did Lavrov say about a ceasefire?']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/building it from/);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]);
    expect(Object.keys(answer).sort()).toEqual(['answered', 'asOf', 'citations', 'model', 'ms', 'question', 'searchedFor', 'verdict', 'words'].sort());
    expect(answer).toMatchObject({ question: 'What did Lavrov say about a ceasefire?', answered: true, model: 'glove-sif-100d' });
    expect(typeof answer.ms).toBe('number');
    // Different articles first, only those that carry evidence: 003 and 004 both speak of a ceasefire/truce.
    expect(answer.citations.length).toBeGreaterThanOrEqual(1);
    expect(answer.citations.length).toBeLessThanOrEqual(3);
    expect(new Set(answer.citations.map((c: { source: string }) => c.source)).size).toBe(answer.citations.length);
    expect(answer.asOf).toEqual({ date: '2024-11-04', articles: 5 });
    for (const c of answer.citations) {
      // alsoReportedIn is there only when another article reports the same story.
      const keys = c.alsoReportedIn ? [...CITATION_KEYS, 'alsoReportedIn'] : CITATION_KEYS;
      expect(Object.keys(c).sort()).toEqual([...keys].sort());
      expect(c.source).toMatch(/corpus\/\d{3}_[0-9a-f]+\.txt$/);
      expect(c.date === null || /^\d{4}-\d{2}-\d{2}$/.test(c.date)).toBe(true);
      expect(typeof c.score).toBe('number');
      expect(c.excerpt).toContain(c.highlight);
      expect(Object.keys(c.snippet)).toEqual(['before', 'answer', 'after']);
      expect(c.snippet.answer).toBe(keepStart(c.highlight.replace(/\s+/g, ' '), DEFAULT_SNIPPET_CHARS));
    }
    expect(answer.citations.some((c: { excerpt: string }) => /ceasefire/i.test(c.excerpt))).toBe(true);
  });

  it('answers a batch from stdin, one object per line, bad lines included in place', () => {
    const input = ['What list did Russia give to Hamas?', '', 'Explain how photosynthesis works', 'x'.repeat(1001), ' \t ', '\r', 'What did Lavrov say about a ceasefire?'].join('\n');
    const { code, stdout } = run('src/cli/ask.ts', ['--json', '--batch', '-', '-k', '2'], `${input}\n`);
    expect(code).toBe(0);
    // One output line per input line, blank lines included, so line n of the output answers line n of the input.
    const objects = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objects.map((o) => o.answered)).toEqual([true, undefined, false, undefined, undefined, undefined, true]);
    // One citation per article may leave fewer than k.
    expect(objects[0].citations.length).toBeGreaterThanOrEqual(1);
    expect(objects[0].citations.length).toBeLessThanOrEqual(2);
    expect(objects[3].error).toMatch(/limit is 1000/);
    for (const blank of [1, 4, 5]) expect(objects[blank].error).toMatch(/The question is empty/);
    expect(objects.map((o) => o.question)).toEqual([...input.split('\n').slice(0, 5), '', 'What did Lavrov say about a ceasefire?']);
  });

  it('prints a readable answer by default: the answer quoted first, then the cited articles, no score', () => {
    const { code, stdout } = run('src/cli/ask.ts', ['What', 'list', 'did', 'Russia', 'give', 'to', 'Hamas?']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^> [^\n]*list of names[^\n]* \[1\]\n/);
    expect(stdout).toMatch(/^\[1\] .+ — 12 Nov 2023 · 004_6c860c4a14f93851\.txt$/m);
    expect(stdout).toMatch(/\*\*[^*]*list of names[^*]*\*\*/);
    expect(stdout).toMatch(/^asked: What list did Russia give to Hamas\? · as of 4 Nov 2024, 5 articles$/m);
    expect(stdout).not.toMatch(/score|glove/);
  });
});

describe('usage errors: one line, exit code 2', () => {
  it.each([
    ['an unknown flag', ['--frobnicate', 'q']],
    ['an empty question', ['   ']],
    ['no question', []],
    ['a question over 1,000 characters', ['a'.repeat(1001)]],
    ['a bad -k', ['-k', 'zero', 'q']],
    ['a bad --mode', ['--mode', 'magic', 'q']],
  ])('%s', (_, args) => {
    const { code, stdout, stderr } = run('src/cli/ask.ts', args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/error/);
  });

  it('a missing batch file', async () => {
    const { code, stderr } = run('src/cli/ask.ts', ['--batch', '/nonexistent/questions.txt']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read \/nonexistent\/questions\.txt/);
  });
});

describe('index', () => {
  it('reports an up-to-date index, then an incremental update after an article changes', async () => {
    run('src/cli/index-cmd.ts', []);
    const unchanged = run('src/cli/index-cmd.ts', []);
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toMatch(/Index is up to date: 5 documents/);
    await writeFile(path.join(corpusDir, '004_6c860c4a14f93851.txt'), 'A rewritten article about harbour cranes in Rotterdam.');
    const changed = run('src/cli/index-cmd.ts', []);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/added 0, changed 1, removed 0, unchanged 4/);
  });
});
