import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { formatAnswerText, NOT_IN_CORPUS } from '../src/answer/format-text.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { loadQuestions, type EvalQuestion } from '../src/eval/questions.js';
import { seedRuntime } from './helpers/seed-runtime.js';

let runtime: Awaited<ReturnType<typeof seedRuntime>>;
let snapshot: IndexSnapshot;
// The first twelve dev questions are the original set; they must all keep passing. The whole set is scored as
// figures in eval.test.ts.
const dev: EvalQuestion[] = (await loadQuestions('eval/dev.jsonl')).slice(0, 12);

beforeAll(async () => {
  runtime = await seedRuntime();
  snapshot = await runtime.index.current();
});

const fileOf = (source: string) => path.basename(source);

describe('dev questions on the seed corpus', () => {
  it.each(dev.filter((q) => q.docs.length > 0).map((q) => [q.q, q] as const))('%s → its article in the top 3', async (_, q) => {
    const answer = await answerQuestion(snapshot, runtime, q.q);
    expect(answer.answered).toBe(true);
    const top3 = answer.citations.slice(0, 3).map((c) => fileOf(c.source));
    expect(top3.some((f) => q.docs.some((prefix) => f.startsWith(prefix)))).toBe(true);
    const excerpts = answer.citations.map((c) => c.excerpt.toLowerCase()).join('\n');
    expect(q.answer.some((a) => excerpts.includes(a.toLowerCase()))).toBe(true);
  });

  it.each(dev.filter((q) => q.docs.length === 0).map((q) => [q.q] as const))('%s → not in the corpus', async (question) => {
    const answer = await answerQuestion(snapshot, runtime, question);
    expect(answer.answered).toBe(false);
    expect(answer.citations).toEqual([]);
    expect(formatAnswerText(answer)).toContain(NOT_IN_CORPUS);
  });
});

describe('citations', () => {
  it('cite title, date, file and the article’s own text, with the answering sentence marked', async () => {
    const answer = await answerQuestion(snapshot, runtime, 'What did Lavrov say about Hezbollah?');
    const first = answer.citations[0];
    expect(first).toMatchObject({ n: 1, date: '2024-11-04' });
    expect(first.source).toMatch(/000_d618012357f11240\.txt$/);
    expect(first.title).toMatch(/^Russian Foreign Sergey Lavrov has asserted/);
    const doc = snapshot.manifest.documents['000_d618012357f11240.txt'];
    expect(first.title).toBe(doc.title);
    expect(first.excerpt).toContain(first.highlight);
    expect(first.highlight).toMatch(/Hezbollah/);
    expect(formatAnswerText(answer)).toContain(`> ${first.highlight} [1]`);
    expect(answer.model).toBe('glove-sif-100d');
    expect(answer.ms).toBeGreaterThan(0);
  });

  it('collapse near-duplicate passages: seeds 003 and 004 repeat the Belta paragraph, cited once', async () => {
    const answer = await answerQuestion(snapshot, runtime, 'What did Lavrov tell the Belarusian news agency Belta about the bombardment of Gaza?', { k: 3 });
    const belta = answer.citations.filter((c) => /Belta/.test(c.excerpt) && /bombardment of Gaza/.test(c.excerpt));
    expect(belta).toHaveLength(1);
    const texts = answer.citations.map((c) => c.excerpt);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('cite one passage per article, and mark the sentence that names the topic', async () => {
    const answer = await answerQuestion(snapshot, runtime, 'What did Lavrov say about a ceasefire?');
    // 003 has two passages about a ceasefire that overlap by a sentence: the reader sees the article once.
    const files = answer.citations.map((c) => fileOf(c.source));
    expect(new Set(files).size).toBe(files.length);
    expect(files[0]).toBe('003_59b5f704395a9f78.txt');
    expect(answer.citations[0].excerpt).toMatch(/ceasefire/);
    // "Lavrov" is in half the article's sentences; "ceasefire" points at the answer.
    expect(answer.citations[0].highlight).toMatch(/ceasefire/);
  });

  it('honour k: at most k citations, numbered in order, different articles before more of one', async () => {
    for (const k of [1, 2, 5]) {
      const answer = await answerQuestion(snapshot, runtime, 'What does Russia say about terrorism?', { k });
      expect(answer.citations.length).toBeGreaterThanOrEqual(1);
      expect(answer.citations.length).toBeLessThanOrEqual(k);
      expect(answer.citations.map((c) => c.n)).toEqual(answer.citations.map((_, i) => i + 1));
      const sources = answer.citations.map((c) => c.source);
      const articles = new Set(sources).size;
      expect(new Set(sources.slice(0, articles)).size).toBe(articles);
    }
    // Four articles speak of terrorism; with room for five, more than one is cited.
    expect((await answerQuestion(snapshot, runtime, 'What does Russia say about terrorism?', { k: 5 })).citations.length).toBeGreaterThan(1);
  });

  it('gives the places left by too few answering articles to other passages of them, never one next to a cited one', async () => {
    // Only 002 names TASS: its opening and its closing quote are two pieces of evidence.
    const answer = await answerQuestion(snapshot, runtime, 'lavrov tass interview');
    expect(answer.citations.map((c) => fileOf(c.source))).toEqual(['002_24ce755addd3eb41.txt', '002_24ce755addd3eb41.txt']);
    // Neighbouring passages overlap by a sentence; these two share none.
    const [first, second] = answer.citations.map((c) => c.excerpt);
    for (const sentence of first.split(/(?<=[.!?])\s+/).filter((x) => x.length > 20)) expect(second).not.toContain(sentence);
  });

  it('reject a question with no content word instead of quoting something', async () => {
    for (const q of ['What is it?', 'zzqxv qqqzz']) {
      expect((await answerQuestion(snapshot, runtime, q)).answered).toBe(false);
    }
  });
});
