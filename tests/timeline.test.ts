import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { NOT_IN_CORPUS } from '../src/answer/format-text.js';
import { QuestionError } from '../src/answer/question.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { formatTimelineText, layoutTimeline, TIMELINE_PAGE_SIZE, timelineLineText } from '../src/timeline/format-timeline.js';
import { buildTimeline, dateRangeFromOptions, MAX_TOPIC_CHARS, validateTopic, type Timeline, type TimelineEntry } from '../src/timeline/timeline.js';
import { allPassages } from './helpers/passages.js';
import { seedRuntime } from './helpers/seed-runtime.js';

let runtime: Awaited<ReturnType<typeof seedRuntime>>;
let snapshot: IndexSnapshot;

beforeAll(async () => {
  runtime = await seedRuntime();
  snapshot = await runtime.index.current();
});

const files = (t: Timeline) => t.entries.map((e) => path.basename(e.source).slice(0, 3));

describe('timeline on the seeds', () => {
  it('lists every article on the topic once, dated ones oldest first, undated ones last', async () => {
    const timeline = await buildTimeline(snapshot, runtime, 'Lavrov');
    expect(timeline.answered).toBe(true);
    // All five seeds are about Lavrov; three are dated (2023-11-12, 2023-12-28, 2024-11-04).
    expect(files(timeline)).toEqual(['004', '002', '000', '001', '003']);
    expect(timeline.entries.map((e) => e.date)).toEqual(['2023-11-12', '2023-12-28', '2024-11-04', null, null]);
    expect(timeline.asOf).toEqual({ date: '2024-11-04', articles: 5 });
    for (const e of timeline.entries) {
      // The sentence is the article's own text.
      const chunkText = allPassages(snapshot).filter(([, c]) => c.file === path.basename(e.source)).map(([, c]) => c.text.replace(/\s+/g, ' ')).join(' ');
      expect(chunkText).toContain(e.sentence.replace(/\s+/g, ' ').slice(0, 60));
    }
  });

  it('lists only the articles that carry the topic, with the sentence that says it', async () => {
    const timeline = await buildTimeline(snapshot, runtime, 'Hezbollah');
    expect(files(timeline)).toEqual(['000']);
    expect(timeline.entries[0].sentence).toMatch(/Hezbollah/);
  });

  it('applies the same relevance rule as ask: what ask refuses, the timeline refuses', async () => {
    for (const topic of ['price of bitcoin', 'photosynthesis', 'Lavrov and the Olympics', 'Hezbollah', 'ceasefire']) {
      const [timeline, answer] = await Promise.all([buildTimeline(snapshot, runtime, topic), answerQuestion(snapshot, runtime, topic)]);
      expect({ topic, answered: timeline.answered, verdict: timeline.verdict }).toEqual({ topic, answered: answer.answered, verdict: answer.verdict });
    }
    const refused = await buildTimeline(snapshot, runtime, 'price of bitcoin');
    expect(refused.entries).toEqual([]);
    expect(formatTimelineText(refused)).toContain(NOT_IN_CORPUS);
    expect(formatTimelineText(refused)).toContain('as of 4 Nov 2024, 5 articles');
  });

  it('restricts to the dates in the topic and to from/to, keeping undated articles last', async () => {
    const in2023 = await buildTimeline(snapshot, runtime, 'Lavrov in 2023');
    expect(in2023.range).toEqual({ from: '2023-01-01', to: '2023-12-31' });
    expect(in2023.searchedFor).toBe('lavrov');
    expect(in2023.entries.map((e) => e.date)).toEqual(['2023-11-12', '2023-12-28', null, null]);

    const fromDec = await buildTimeline(snapshot, runtime, 'Lavrov in 2023', { range: dateRangeFromOptions('December 2023', null) });
    expect(fromDec.range).toEqual({ from: '2023-12-01', to: '2023-12-31' });
    expect(fromDec.entries.map((e) => e.date)).toEqual(['2023-12-28', null, null]);

    const none = await buildTimeline(snapshot, runtime, 'Lavrov', { range: dateRangeFromOptions('2020', '2020') });
    expect(none).toMatchObject({ answered: false, verdict: 'no-article-in-time', entries: [] });
  });

  it('builds the same timeline again from its subject and range (what page buttons carry)', async () => {
    const first = await buildTimeline(snapshot, runtime, 'hezbolla since 2024');
    const again = await buildTimeline(snapshot, runtime, first.subject, { range: first.range });
    expect(first.subject).toBe('hezbolla');
    expect(again.entries).toEqual(first.entries);
  });
});

describe('topic and date options', () => {
  it('refuses an empty or over-long topic in one sentence', () => {
    expect(() => validateTopic('  \n ')).toThrow(QuestionError);
    expect(() => validateTopic('x'.repeat(MAX_TOPIC_CHARS + 1))).toThrow(/at most 60/);
    expect(validateTopic('  gaza   ceasefire ')).toBe('gaza ceasefire');
  });

  it('reads dates as people write them; from takes the start and to the end of what they name', () => {
    expect(dateRangeFromOptions('2024-03-05', '2024')).toEqual({ from: '2024-03-05', to: '2024-12-31' });
    expect(dateRangeFromOptions('March 2023', null)).toEqual({ from: '2023-03-01', to: null });
    expect(dateRangeFromOptions(null, undefined)).toBeNull();
    expect(() => dateRangeFromOptions('soon-ish', null)).toThrow(/"from" must be a date/);
    expect(() => dateRangeFromOptions('2024', '2023')).toThrow(/"from" \(2024-01-01\) is after "to" \(2023-12-31\)/);
  });
});

describe('timeline layout', () => {
  const entry = (i: number, date: string | null): TimelineEntry => ({
    date,
    title: `Story ${i}`,
    source: `corpus/${String(i).padStart(3, '0')}_x.txt`,
    url: i === 0 ? 'https://example.com/a_b' : null,
    sentence: `Event ${i} *happened* ${'and more '.repeat(i === 1 ? 40 : 0)}`,
  });
  const timeline = (n: number): Timeline => ({
    topic: 'story',
    answered: n > 0,
    entries: Array.from({ length: n }, (_, i) => entry(i, i < n - 2 ? `2024-01-${String((i % 28) + 1).padStart(2, '0')}` : null)),
    searchedFor: null,
    subject: 'story',
    range: null,
    asOf: { date: '2024-01-28', articles: n },
    verdict: n > 0 ? 'answered' : 'no-passage-covers',
    model: 'm',
    ms: 1,
  });

  it('pages long timelines, keeps their order and clamps pages past the end', () => {
    const t = timeline(2 * TIMELINE_PAGE_SIZE + 3);
    const pages = [1, 2, 3].map((p) => layoutTimeline(t, p));
    expect(pages.map((p) => [p.page, p.pages, p.lines.length])).toEqual([[1, 3, 8], [2, 3, 8], [3, 3, 3]]);
    expect(pages.flatMap((p) => p.lines.map((l) => l.title))).toEqual(t.entries.map((e) => e.title));
    expect(pages[2].lines.slice(-2).map((l) => l.date)).toEqual(['undated', 'undated']);
    expect(layoutTimeline(t, 99).page).toBe(3);
    expect(layoutTimeline(t, 0).page).toBe(1);
    // The command line shows everything at once.
    expect(layoutTimeline(t).lines).toHaveLength(t.entries.length);
  });

  it('cuts long sentences at a word boundary, links http(s) addresses and escapes article text only', () => {
    const lines = layoutTimeline(timeline(3)).lines;
    expect(lines[0]).toMatchObject({ date: '1 Jan 2024', where: 'https://example.com/a_b', isLink: true });
    expect(lines[1].sentence.length).toBeLessThanOrEqual(200);
    expect(lines[1].sentence.endsWith('…')).toBe(true);
    expect(lines[1].where).toBe('001_x.txt');
    const escaped = timelineLineText(lines[0], (s) => s.replace(/[*_]/g, '\\$&'));
    expect(escaped).toBe('1 Jan 2024 — **Story 0** — Event 0 \\*happened\\* — https://example.com/a_b');
  });
});

describe('page button ids', () => {
  it('carry page, range and subject within Discord’s 100 characters, and refuse anything else', async () => {
    const { parseTimelineCustomId, timelineCustomId } = await import('../src/bot/commands/timeline.js');
    const request = { page: 12, subject: 'x'.repeat(MAX_TOPIC_CHARS - 6) + ': a b', range: { from: '2023-01-01', to: '2024-12-31' } };
    const id = timelineCustomId(request);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parseTimelineCustomId(id)).toEqual(request);
    expect(parseTimelineCustomId(timelineCustomId({ page: 1, subject: 'gaza', range: { from: null, to: '2024-03-31' } }))).toEqual({ page: 1, subject: 'gaza', range: { from: null, to: '2024-03-31' } });
    for (const forged of ['timeline:0:::gaza', 'timeline:1:2024:x:gaza', 'timeline:1:::', 'feedback:1:up', 'timeline:1:20241399::gaza']) expect(parseTimelineCustomId(forged)).toBeNull();
  });
});
