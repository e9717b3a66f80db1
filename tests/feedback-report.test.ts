/**
 * The feedback report: most down-voted answers and most frequent unanswered questions over the last N days, per
 * server, with questions grouped regardless of case, punctuation and spacing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FeedbackStore, type AnswerRecord, type Vote } from '../src/feedback/feedback-store.js';
import { questionKey } from '../src/feedback/question-key.js';
import { feedbackReport, reportLines, type FeedbackReport } from '../src/feedback/report.js';

const GUILD = '111111111111111111';
const OTHER = '222222222222222222';
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 30, 12);
const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

let now = NOW;
let store: FeedbackStore;

beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'report-'));
  roots.push(root);
  now = NOW;
  store = new FeedbackStore(path.join(root, 'feedback.sqlite'), { clock: () => now });
  return () => store.close();
});

/** Records an answer `daysAgo` days before NOW, with votes from distinct users. */
function given(daysAgo: number, over: Partial<AnswerRecord>, votes: Vote[] = []): string {
  now = NOW - daysAgo * DAY;
  const recorded = store.recordAnswer({ question: 'q', answered: true, sources: [], userId: 'asker', guildId: GUILD, channelId: null, ...over });
  if (!recorded.ok) throw recorded.problem;
  votes.forEach((vote, i) => store.vote(recorded.value, `voter-${i}`, over.guildId === undefined ? GUILD : over.guildId, vote));
  now = NOW;
  return recorded.value;
}

function report(days: number, guildId: string | null = GUILD): FeedbackReport {
  const result = feedbackReport(store, { days, guildId });
  if (!result.ok) throw result.problem;
  return result.value;
}

describe('questionKey', () => {
  it('ignores case, punctuation, symbols, apostrophes and spacing, and nothing else', () => {
    const same = ["What's the price of Bitcoin?", 'whats the price of   bitcoin', 'WHAT’S THE PRICE OF BITCOIN!!', ' What’s — the price of "Bitcoin" ? '];
    expect(new Set(same.map(questionKey))).toEqual(new Set(['whats the price of bitcoin']));
    expect(questionKey('What is the price of Bitcoin?')).not.toBe(questionKey("What's the price of Bitcoin?"));
    expect(questionKey('Ｗhat about Iran')).toBe('what about iran'); // full-width letters (NFKC)
    expect(questionKey('Gaza, Rafah')).toBe('gaza rafah');
    expect(questionKey('@\u200beveryone what about Gaza?')).toBe(questionKey('@everyone what about gaza'));
  });
});

describe('feedbackReport', () => {
  it('ranks down-voted answers by 👎, then fewer 👍, then newest; leaves out answers nobody down-voted', () => {
    const worst = given(1, { question: 'worst', sources: ['corpus/a.txt', 'corpus/b.txt'] }, [-1, -1, -1]);
    const mixed = given(2, { question: 'mixed' }, [-1, -1, 1]);
    const twoDownOlder = given(3, { question: 'two down, older' }, [-1, -1]);
    const twoDownNewer = given(0.5, { question: 'two down, newer', answered: false }, [-1, -1]);
    given(1, { question: 'liked' }, [1, 1]);
    given(1, { question: 'no votes' });

    const r = report(7);
    expect(r.downVoted.map((a) => a.answerId)).toEqual([worst, twoDownNewer, twoDownOlder, mixed]);
    expect(r.downVoted[0]).toEqual({
      answerId: worst,
      question: 'worst',
      answered: true,
      sources: ['corpus/a.txt', 'corpus/b.txt'],
      down: 3,
      up: 0,
      askedAt: new Date(NOW - DAY).toISOString(),
      guildId: GUILD,
      channelId: null,
    });
    expect(r.downVoted[1]).toMatchObject({ answered: false, down: 2, up: 0 });
    expect(r.totals).toEqual({ answers: 6, unanswered: 1, up: 3, down: 9 });
  });

  it('groups unanswered questions however they are written, counts askers, shows the latest wording', () => {
    given(3, { question: "What's the price of Bitcoin?", answered: false, userId: 'ann' });
    given(2, { question: 'whats the price of bitcoin', answered: false, userId: 'bob' });
    given(1, { question: 'WHAT’S THE PRICE OF BITCOIN!!', answered: false, userId: 'ann' });
    given(1.5, { question: 'Who won the 1966 World Cup?', answered: false, userId: 'cat' });
    given(0.5, { question: 'who won the 1966 world cup', answered: false, userId: 'cat' });
    given(0.2, { question: 'Tesla earnings?', answered: false, userId: 'dan' });
    given(1, { question: 'What did Lavrov say?', answered: true }); // answered: not listed

    expect(report(7).unanswered).toEqual([
      { question: 'WHAT’S THE PRICE OF BITCOIN!!', times: 3, askers: 2, lastAskedAt: new Date(NOW - DAY).toISOString() },
      { question: 'who won the 1966 world cup', times: 2, askers: 1, lastAskedAt: new Date(NOW - 0.5 * DAY).toISOString() },
      { question: 'Tesla earnings?', times: 1, askers: 1, lastAskedAt: new Date(NOW - 0.2 * DAY).toISOString() },
    ]);
  });

  it('counts only the last N days', () => {
    given(10, { question: 'old unanswered', answered: false });
    given(10, { question: 'old and disliked' }, [-1]);
    given(2, { question: 'recent unanswered', answered: false });
    given(2, { question: 'recent and disliked' }, [-1]);

    const week = report(7);
    expect(week.since).toBe(new Date(NOW - 7 * DAY).toISOString());
    expect(week.unanswered.map((q) => q.question)).toEqual(['recent unanswered']);
    expect(week.downVoted.map((a) => a.question)).toEqual(['recent and disliked']);
    expect(week.totals).toEqual({ answers: 2, unanswered: 1, up: 0, down: 1 });
    const month = report(30);
    expect(month.unanswered.map((q) => q.question).sort()).toEqual(['old unanswered', 'recent unanswered']);
    expect(month.totals.answers).toBe(4);
    expect(report(1).totals.answers).toBe(0);
  });

  it('shows a server only its own answers; the CLI (no server) sees all', () => {
    given(1, { question: 'ours', answered: false });
    given(1, { question: 'theirs', answered: false, guildId: OTHER });
    given(1, { question: 'theirs disliked', guildId: OTHER }, [-1]);

    expect(report(7, GUILD).unanswered.map((q) => q.question)).toEqual(['ours']);
    expect(report(7, GUILD).downVoted).toEqual([]);
    expect(report(7, OTHER).downVoted.map((a) => a.question)).toEqual(['theirs disliked']);
    expect(report(7, null).unanswered.map((q) => q.question).sort()).toEqual(['ours', 'theirs']);
    expect(report(7, null).totals.answers).toBe(3);
  });

  it('keeps each list to the limit', () => {
    for (let i = 0; i < 15; i++) given(1, { question: `unanswered ${i}`, answered: false }, [-1]);
    const result = feedbackReport(store, { days: 7, guildId: GUILD, limit: 4 });
    expect(result.ok && result.value.unanswered.length).toBe(4);
    expect(result.ok && result.value.downVoted.length).toBe(4);
    expect(report(7).unanswered).toHaveLength(10); // the default
  });
});

describe('reportLines', () => {
  it('reads as plain text: totals, then both ranked lists, empty lists said so', () => {
    given(1, { question: 'Who won  the\nelection?', sources: ['corpus/sub/003_x.txt'] }, [-1, -1, 1]);
    given(2, { question: 'Price of Bitcoin?', answered: false }, [-1]);
    given(1.9, { question: 'price of bitcoin', answered: false });
    expect(reportLines(report(7))).toEqual([
      'Last 7 days (since 2025-06-23): 3 answers, 2 unanswered; votes 👍 1 · 👎 3.',
      '',
      'Most down-voted answers:',
      '1. 👎 2 · 👍 1 — “Who won the election?” (2025-06-29, cited 003_x.txt)',
      '2. 👎 1 · 👍 0 — “Price of Bitcoin?” (2025-06-28, not answered)',
      '',
      'Most frequent unanswered questions:',
      '1. 2× — “price of bitcoin” (1 person, last 2025-06-28)',
    ]);
    const empty = reportLines(report(1, OTHER));
    expect(empty).toContain('  (none)');
    expect(empty[0]).toBe('Last 1 day (since 2025-06-29): 0 answers, 0 unanswered; votes 👍 0 · 👎 0.');
  });

  it('clips long questions to the given length, counting characters not UTF-16 units', () => {
    given(1, { question: `${'😀'.repeat(300)}`, answered: false });
    const line = reportLines(report(7), 50).find((l) => l.includes('😀'))!;
    const quoted = /“(.*)”/u.exec(line)![1];
    expect([...quoted]).toHaveLength(50);
    expect(quoted.endsWith('…')).toBe(true);
  });
});
