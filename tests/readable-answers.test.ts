/**
 * The replies the bot sends for every development question, on the seed articles, as Discord would show them:
 * short enough to take in at a glance, numbered consistently, no sentence bolded twice, no developer jargon, and
 * within Discord's limits for every option a member can choose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion, type Answer } from '../src/answer/answer.js';
import { loadQuestions } from '../src/eval/questions.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { renderAnswer, type DiscordAnswer } from '../src/bot/render-answer.js';
import { visibleLength } from '../src/preview/visible-text.js';
import { expectMessageWithinLimits } from './helpers/discord-limits-check.js';
import { seedRuntime } from './helpers/seed-runtime.js';

const questions = await loadQuestions('eval/dev.jsonl');
let runtime: Awaited<ReturnType<typeof seedRuntime>>;
let snapshot: IndexSnapshot;

beforeAll(async () => {
  runtime = await seedRuntime();
  snapshot = await runtime.index.current();
});

const ask = (question: string, k?: number) => answerQuestion(snapshot, runtime, question, { k });
/** /ask echoes the question; a mention reply does not. */
const bothReplies = (answer: Answer) => [renderAnswer(answer, { showQuestion: true }), renderAnswer(answer)];

/** The sentences in bold on each embed, as a reader sees them. */
function boldSentences(reply: DiscordAnswer): string[] {
  return reply.embeds.map((e) => /\*\*(.+?)\*\*(?!\*)/.exec((e.description ?? '').replace(/\\\*/g, '\u0000'))?.[1].replace(/\u0000/g, '*') ?? '');
}

/** [1], [2], … in the message text and the embed titles, in the order of the answer's citations. */
function expectConsistentNumbering(reply: DiscordAnswer, answer: Answer): void {
  expect(answer.citations.map((c) => c.n)).toEqual(answer.citations.map((_, i) => i + 1));
  reply.embeds.forEach((e, i) => expect(e.title?.startsWith(`[${i + 1}] `)).toBe(true));
  const quoted = reply.content
    .split('\n')
    .filter((line) => line.startsWith('> '))
    .map((line) => Number(/ \[(\d+)\]$/.exec(line)?.[1]));
  expect(quoted.length).toBeGreaterThan(0);
  expect(quoted).toEqual(quoted.map((_, i) => i + 1));
  expect(quoted.length).toBeLessThanOrEqual(reply.embeds.length);
}

describe.each(questions.map((q) => [q.q]))('%s', (question) => {
  it('default reply: at a glance, numbered consistently, each bold sentence once, no jargon', async () => {
    const answer = await ask(question);
    for (const reply of bothReplies(answer)) {
      expect(visibleLength(reply)).toBeLessThanOrEqual(1_200); // issue 12: what a reader takes in at a glance
      expect(reply.embeds.length).toBeLessThanOrEqual(3);
      expectMessageWithinLimits(reply);
      // The log and `ask --json` keep the model and the scores; members never see them.
      const text = JSON.stringify(reply);
      expect(text).not.toContain(answer.model);
      for (const c of answer.citations) expect(text).not.toContain(c.score.toFixed(3));
      if (!answer.answered) {
        expect(reply.embeds).toEqual([]);
        continue;
      }
      expectConsistentNumbering(reply, answer);
      const bold = boldSentences(reply);
      expect(bold.every((b) => b.length > 0)).toBe(true);
      const sameSentence = (a: string, b: string) => a.replace(/…$/, '').startsWith(b.replace(/…$/, '')) || b.replace(/…$/, '').startsWith(a.replace(/…$/, ''));
      bold.forEach((b, i) => bold.slice(i + 1).forEach((other) => expect(sameSentence(b, other), `${b} | ${other}`).toBe(false)));
    }
  });

  it('keeps Discord’s limits for results 1–5, with long titles, questions and searched words', async () => {
    for (let k = 1; k <= 5; k++) {
      const answer = await ask(question, k);
      const stretched: Answer = {
        ...answer,
        question: `${question} ${'and what else? '.repeat(40)}`.slice(0, 500),
        searchedFor: 'word '.repeat(120),
        citations: answer.citations.map((c) => ({ ...c, title: `${c.title} `.repeat(30) })),
      };
      for (const variant of [answer, stretched]) {
        for (const reply of bothReplies(variant)) {
          expectMessageWithinLimits(reply);
          expect(reply.embeds).toHaveLength(variant.citations.length);
          if (variant.answered) expectConsistentNumbering(reply, variant);
        }
      }
    }
  });
});
