/** `npm run feedback`: the same report as /feedback, over every server, as text or one JSON object. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore, type Vote } from '../src/feedback/feedback-store.js';
import type { FeedbackReport } from '../src/feedback/report.js';

const DAY = 86_400_000;
let root: string;
let file: string;

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/feedback.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'feedback-cli-'));
  file = path.join(root, 'feedback.sqlite');
  let now = Date.now();
  const store = new FeedbackStore(file, { clock: () => now });
  const give = (daysAgo: number, question: string, answered: boolean, guildId: string, votes: Vote[] = []) => {
    now = Date.now() - daysAgo * DAY;
    const id = store.recordAnswer({ question, answered, sources: answered ? ['corpus/002_x.txt'] : [], userId: 'u', guildId, channelId: null });
    if (!id.ok) throw id.problem;
    votes.forEach((v, i) => store.vote(id.value, `voter-${i}`, guildId, v));
  };
  give(1, 'What did Lavrov say about Iran?', true, '111111111111111111', [-1, -1]);
  give(2, 'Bitcoin price?', false, '111111111111111111');
  give(3, 'bitcoin  PRICE', false, '222222222222222222');
  give(20, 'An old question', false, '111111111111111111', [-1]);
  store.close();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run feedback', () => {
  it('--json: one JSON object, every server, the last N days', () => {
    const { code, stdout, stderr } = run(['--json', '--database', file, '--days', '7']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout) as FeedbackReport;
    expect(report.days).toBe(7);
    expect(report.guildId).toBeNull();
    expect(report.totals).toEqual({ answers: 3, unanswered: 2, up: 0, down: 2 });
    expect(report.downVoted.map((a) => [a.question, a.down, a.sources])).toEqual([['What did Lavrov say about Iran?', 2, ['corpus/002_x.txt']]]);
    expect(report.unanswered.map((q) => [q.question, q.times])).toEqual([['Bitcoin price?', 2]]);

    const month = JSON.parse(run(['--json', '--database', file, '--days', '30']).stdout) as FeedbackReport;
    expect(month.totals.answers).toBe(4);
  });

  it('text by default, from DATABASE_PATH, default 7 days', () => {
    const { code, stdout } = run([], { DATABASE_PATH: file });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Last 7 days \(since \d{4}-\d\d-\d\d\): 3 answers, 2 unanswered; votes 👍 0 · 👎 2\.\n/);
    expect(stdout).toContain('1. 👎 2 · 👍 0 — “What did Lavrov say about Iran?”');
    expect(stdout).toContain('1. 2× — “Bitcoin price?” (1 person, last ');
  });

  it('a database that does not exist yet: says so, prints an empty report, creates nothing', () => {
    const missing = path.join(root, 'nowhere', 'feedback.sqlite');
    const { code, stdout, stderr } = run(['--json', '--database', missing]);
    expect(code).toBe(0);
    expect(stderr.trim()).toBe(`No feedback database at ${missing} yet: the bot creates it when it answers its first question.`);
    expect((JSON.parse(stdout) as FeedbackReport).totals).toEqual({ answers: 0, unanswered: 0, up: 0, down: 0 });
    expect(existsSync(path.dirname(missing))).toBe(false);
  });

  it('a damaged database: one line, exit 1, the file untouched', async () => {
    const damaged = path.join(root, 'damaged.sqlite');
    await writeFile(damaged, 'not a database '.repeat(100));
    const { code, stdout, stderr } = run(['--database', damaged]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `error: The database ${damaged} is damaged or not a SQLite database; it is left untouched: repair it or move it away.`,
    ]);
    expect(await readFile(damaged, 'utf8')).toBe('not a database '.repeat(100));
  });

  it.each([
    ['--days 0', ['--days', '0'], /--days/],
    ['--days 1.5', ['--days', '1.5'], /--days/],
    ['an unknown flag', ['--weeks', '2'], /unknown option/],
    ['a folder as database', ['--database', `${tmpdir()}/`], /--database must name a database file/],
  ])('usage error for %s: one line, exit 2', (_, args, message) => {
    const { code, stdout, stderr } = run(args as string[]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
