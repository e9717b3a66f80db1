import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../src/answer/answer.js';
import { validateQuestion } from '../src/answer/question.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { checkQuestion, withoutDiscordMarkup } from '../src/bot/ask-flow.js';
import { loadBotConfig } from '../src/bot/config.js';
import type { BotContext } from '../src/bot/context.js';
import { neutraliseMassMentions } from '../src/bot/mass-mentions.js';
import { RateLimiter } from '../src/bot/rate-limiter.js';
import { renderAnswer } from '../src/bot/render-answer.js';
import { startBotHarness, type BotHarness } from './helpers/bot-harness.js';
import { tempCorpus } from './helpers/seed-runtime.js';

/** What Discord renders as a mass mention: an @ directly followed by everyone or here. */
const RAW_MASS_MENTION = /@(everyone|here)/i;
const ZERO_WIDTH_SPACE = /\u200b/g;

const MENTIONS = ['@everyone', '@here', '@Everyone', '@HERE', '@everyones', '@@everyone', '@everyone@here', '@@here@@everyone'];
/** What may touch a mention on either side: letters, punctuation, Markdown, quotes, other mention markup. */
const NEIGHBOURS = ['', ' ', 'x', '(', ')', '*', '**', '_', '~~', '`', '||', '> ', '"', '@', '.', '\n', 'é', '<@123456789012345678>', '<#123456789012345678>', '\u200b'];

function variants(): string[] {
  const out: string[] = [];
  for (const before of NEIGHBOURS) for (const mention of MENTIONS) for (const after of NEIGHBOURS) out.push(`What did Lavrov say ${before}${mention}${after} about Iran?`);
  return out;
}

function botContext(): BotContext {
  return {
    config: loadBotConfig({ DISCORD_TOKEN: 'unit-test-token' }),
    rateLimiter: new RateLimiter(1_000_000, 60_000),
  } as unknown as BotContext;
}

function unanswered(question: string): Answer {
  return {
    question,
    answered: false,
    citations: [],
    searchedFor: null,
    asOf: { date: null, articles: 0 },
    verdict: 'words-not-in-corpus',
    words: [],
    model: 'm',
    ms: 0,
  };
}

describe('@everyone and @here in questions', () => {
  it('are neutralised in every variant of a fuzz table, and nothing else of the question changes', () => {
    const context = botContext();
    const table = variants();
    let neutralised = 0;
    for (const raw of table) {
      const check = checkQuestion(context, 'user', raw);
      if (!check.ok) throw new Error(`refused: ${raw}`);
      expect(check.question, raw).not.toMatch(RAW_MASS_MENTION);
      expect(renderAnswer(unanswered(check.question), { showQuestion: true }).content, raw).not.toMatch(RAW_MASS_MENTION);
      // Only zero-width spaces were added: the words and the rest of the question are as they were.
      expect(check.question.replace(ZERO_WIDTH_SPACE, ''), raw).toBe(validateQuestion(withoutDiscordMarkup(raw), 500).replace(ZERO_WIDTH_SPACE, ''));
      if (check.question !== validateQuestion(withoutDiscordMarkup(raw), 500)) neutralised += 1;
    }
    expect(table.length).toBe(NEIGHBOURS.length * MENTIONS.length * NEIGHBOURS.length);
    // Most variants glue the mention to something, which the old strip missed.
    expect(neutralised).toBeGreaterThan(table.length / 2);
  });

  it('is idempotent and leaves other @ words alone', () => {
    for (const raw of variants()) expect(neutraliseMassMentions(neutraliseMassMentions(raw))).toBe(neutraliseMassMentions(raw));
    expect(neutraliseMassMentions('mail press@example.org, @someone, @evening')).toBe('mail press@example.org, @someone, @evening');
  });

  it('do not count against the length limit', () => {
    const raw = `${'a'.repeat(490)}x@everyone`;
    expect(raw.length).toBe(500);
    const check = checkQuestion(botContext(), 'user', raw);
    expect(check).toEqual({ ok: true, question: `${'a'.repeat(490)}x@\u200beveryone` });
  });
});

describe('@everyone and @here echoed by the running bot', () => {
  let runtime: Runtime;
  let core: Awaited<ReturnType<typeof tempCorpus>>;
  let harness: BotHarness;

  beforeAll(async () => {
    core = await tempCorpus('mass-mentions-');
    runtime = await openRuntime(core, () => {});
    await runtime.index.current();
    harness = await startBotHarness({ runtime, core });
  });

  afterAll(async () => {
    await harness?.close();
    await rm(core.root, { recursive: true, force: true });
  });

  it('never reach Discord raw, from /ask or from a mention', async () => {
    const question = 'x@everyone (@here) *@everyone* What did Lavrov say about Hezbollah?';
    const edit = await harness.originalEdit(harness.ask(question));
    // /ask echoes the question in its closing line (escaped: the asterisks are the user's, not formatting).
    expect(edit.body.content).toMatch(/\n-# asked: x@\u200beveryone \(@\u200bhere\) \\\*@\u200beveryone\\\* What did Lavrov/);
    expect(edit.body.content).not.toMatch(RAW_MASS_MENTION);
    const message = harness.mention(question);
    const reply = await harness.replyTo(message.id);
    expect(reply.body.content).not.toMatch(RAW_MASS_MENTION);
    // A mention reply does not repeat the question: Discord's reply preview shows it.
    expect(reply.body.content).not.toContain('everyone');
  });
});
