/**
 * The bot keeps answering while it reindexes. The real bot (createBot + discord.js) against the Discord stand-in,
 * whose 3 s acknowledgement deadline is Discord's: a callback arriving later is refused with "Unknown interaction".
 * The runtime is the real one, so builds run in a child process with the offline model.
 *
 * These tests count outcomes (late acknowledgements, wrong answers); they never assert a duration.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InteractionResponseType, type APIEmbed } from 'discord.js';
import { answerQuestion, DEFAULT_K } from '../src/answer/answer.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { prepareQuestion } from '../src/bot/ask-flow.js';
import { MAX_QUESTION_CHARS } from '../src/bot/config.js';
import { renderAnswer, type DiscordAnswer } from '../src/bot/render-answer.js';
import { writeCorpusWithBrownDistractors } from '../src/corpus/brown.js';
import { loadQuestions } from '../src/eval/questions.js';
import type { IndexBuilder } from '../src/index/builder.js';
import { ChildProcessBuilder } from '../src/index/child-builder.js';
import { IndexService } from '../src/index/index-service.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import type { SentInteraction } from './helpers/discord-stand-in.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import {
  BOT_TOKEN,
  indexGeneration,
  isCallback,
  isOriginalEdit,
  startBotHarness,
  waitFor,
  type BotHarness,
  type MessageBody,
} from './helpers/bot-harness.js';

const ASKS = 100;
const BITCOIN = 'What is the price of Bitcoin?';
/** Makes one out-of-corpus question answerable, so "from the old index" and "from the new one" differ visibly. */
const BITCOIN_ARTICLE = `---
title: Bitcoin price climbs past 64,000 dollars
date: 2024-03-05
---
The price of Bitcoin climbed past 64,000 dollars today, its highest level in more than two years, traders said.

Bitcoin has gained about 50 percent since January as investors poured money into new exchange-traded funds.
`;

let runtime: Runtime;
let core: Awaited<ReturnType<typeof tempCorpus>>;
let questions: string[];
let harness: BotHarness | undefined;
const roots: string[] = [];

beforeAll(async () => {
  core = await tempCorpus('responsive-');
  roots.push(core.root);
  runtime = await openRuntime(core, () => {});
  await runtime.index.current();
  // The dev questions, and one that only the new index can answer.
  questions = [BITCOIN, ...(await loadQuestions('eval/dev.jsonl')).map((q) => q.q)];
});

afterEach(async () => {
  const h = harness;
  harness = undefined;
  if (!h) return;
  await h.close();
  // Every request Discord would have accepted, and the token never in the log.
  const failed = h.standIn.requests.filter((r) => r.status >= 400);
  expect(failed.map((r) => `${r.method} ${r.path} → ${r.status} ${JSON.stringify(r.response)}`)).toEqual([]);
  expect(h.log.text()).not.toContain(BOT_TOKEN);
});

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** What the bot would post for each question, answered from `snapshot`. */
async function expectedAnswers(snapshot: IndexSnapshot, on: Runtime): Promise<Map<string, DiscordAnswer>> {
  const answers = new Map<string, DiscordAnswer>();
  for (const q of questions) answers.set(q, await botReply(snapshot, on, q));
  return answers;
}

const sameAnswer = (body: MessageBody, expected: DiscordAnswer | undefined) =>
  expected !== undefined && JSON.stringify({ content: body.content, embeds: body.embeds ?? [] }) === JSON.stringify(expected);

/** What /ask posts for `question` when it answers from `snapshot`: the bot's own preparation and rendering. */
async function botReply(snapshot: IndexSnapshot, on: Runtime, question: string): Promise<DiscordAnswer> {
  const prepared = prepareQuestion(question, MAX_QUESTION_CHARS);
  return renderAnswer(await answerQuestion(snapshot, on, prepared, { k: DEFAULT_K }), { showQuestion: true });
}

const citesBitcoinArticle = (embeds: APIEmbed[] | undefined) => (embeds ?? []).some((e) => JSON.stringify(e).includes('005_bitcoin.md'));

/** Records when the service starts serving another snapshot: the last moment it was surely old, the first surely new. */
function watchSwap(index: IndexService, old: IndexSnapshot) {
  const swap = { lastOld: Date.now(), firstNew: Infinity };
  const timer = setInterval(() => {
    void index.current().then((s) => {
      if (s === old) swap.lastOld = Date.now();
      else if (swap.firstNew === Infinity) swap.firstNew = Date.now();
    });
  }, 5);
  return { swap, stop: () => clearInterval(timer) };
}

describe('answering during a reindex', () => {
  it(`${ASKS} concurrent /ask during a reindex of seeds + 500 Brown documents, then more until it ends: none acknowledged late, none answered wrongly`, async () => {
    const before = await runtime.index.current();
    const oldAnswers = await expectedAnswers(before, runtime);
    expect(oldAnswers.get(BITCOIN)?.embeds).toEqual([]);
    expect(citesBitcoinArticle(oldAnswers.get(BITCOIN)?.embeds)).toBe(false);

    // About 12,000 new passages: a reindex of several seconds even on a fast machine.
    await writeCorpusWithBrownDistractors('corpus', core.corpusDir);
    await writeFile(path.join(core.corpusDir, '005_bitcoin.md'), BITCOIN_ARTICLE);

    const h = (harness = await startBotHarness({ runtime, core, env: () => ({ RATE_LIMIT_QUESTIONS: '1000' }) }));
    const reindex = h.command('reindex', { user: h.standIn.users.moderator });
    expect((await h.callback(reindex)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    await h.originalEdit(reindex, (b) => /^Reindexing… embedding passages/.test(b.content ?? ''), 120_000);
    expect(runtime.index.isRebuilding).toBe(true);

    const watch = watchSwap(runtime.index, before);
    const asks: Array<{ question: string; sent: SentInteraction }> = [];
    for (let i = 0; i < ASKS; i++) {
      const question = questions[i % questions.length];
      asks.push({ question, sent: h.ask(question) });
    }

    // Then one every 100 ms until the reindex reports, so that some arrive while the new index is being loaded.
    const trickle = setInterval(() => {
      const question = questions[asks.length % questions.length];
      asks.push({ question, sent: h.ask(question) });
    }, 100);
    const done = await h.originalEdit(reindex, (b) => !(b.content ?? '').startsWith('Reindexing'), 180_000).finally(() => clearInterval(trickle));
    expect(done.body.content).toMatch(/^Indexed 506 documents .*added 501, changed 0, removed 0, unchanged 5\b/);
    const settled = (sent: SentInteraction) =>
      h.standIn.requests.some((r) => isOriginalEdit(sent)(r) || (isCallback(sent)(r) && r.status >= 400));
    await waitFor(() => asks.every(({ sent }) => settled(sent)), 60_000, 'an answer or a refusal for every question');
    watch.stop();
    const { swap } = watch;
    const after = await runtime.index.current();
    expect(after).not.toBe(before);
    const newAnswers = await expectedAnswers(after, runtime);
    expect(citesBitcoinArticle(newAnswers.get(BITCOIN)?.embeds)).toBe(true);

    let late = 0;
    let acknowledgedWhileReindexing = 0;
    let wrong = 0;
    let stale = 0;
    const from = { old: 0, new: 0 };
    for (const { question, sent } of asks) {
      const callback = h.standIn.requests.find(isCallback(sent));
      if (!callback || callback.status !== 204 || h.standIn.getInteraction(sent.id)?.ack === null) {
        late += 1;
        continue;
      }
      if (callback.time < done.time) acknowledgedWhileReindexing += 1;
      const edit = h.standIn.requests.find(isOriginalEdit(sent))!;
      const body = edit.body as MessageBody;
      const isOld = sameAnswer(body, oldAnswers.get(question));
      const isNew = sameAnswer(body, newAnswers.get(question));
      if (!isOld && !isNew) wrong += 1;
      // Posted before the swap: it can only be the old answer. Acknowledged after it: computed from the new index.
      else if ((edit.time < swap.lastOld && !isOld) || (callback.time > swap.firstNew && !isNew)) stale += 1;
      if (isOld && !isNew) from.old += 1;
      if (isNew && !isOld) from.new += 1;
    }
    expect({ late, wrong, stale }).toEqual({ late: 0, wrong: 0, stale: 0 });
    // The questions were dealt with while the build ran, not queued behind it.
    expect(acknowledgedWhileReindexing).toBeGreaterThanOrEqual(ASKS);
    expect(from.old).toBeGreaterThan(0);

    // After the swap every question gets the new answer.
    const later = questions.map((question) => ({ question, sent: h.ask(question) }));
    for (const { question, sent } of later) {
      expect(sameAnswer((await h.originalEdit(sent)).body, newAnswers.get(question)), question).toBe(true);
    }
  }, 300_000);

  it('a build process killed mid-build: /reindex says so in one sentence, the old index keeps answering, the next /reindex works', async () => {
    const own = await tempCorpus('responsive-crash-');
    roots.push(own.root);
    const builder = new ChildProcessBuilder({ model: runtime.embedder.modelId });
    // The first build is killed as soon as it reports embedding: waiting for that report to reach "Discord" (the
    // progress edits are spaced a second or more apart) let a fast build finish first on a quiet machine.
    let armed = false;
    let killed = false;
    const killingBuilder: IndexBuilder = {
      build: (request) =>
        builder.build({
          ...request,
          onProgress: (p) => {
            request.onProgress?.(p);
            if (armed && !killed && p.phase === 'embedding' && builder.pid) {
              killed = true;
              process.kill(builder.pid, 'SIGKILL');
            }
          },
        }),
    };
    const index = new IndexService({ corpusDir: own.corpusDir, indexDir: own.indexDir, embedder: runtime.embedder, builder: killingBuilder });
    const crashRuntime: Runtime = { ...runtime, index };
    const old = await index.current();
    const generation = await indexGeneration(own.indexDir);
    const oldAnswer = await botReply(old, crashRuntime, BITCOIN);
    await writeFile(path.join(own.corpusDir, '005_bitcoin.md'), BITCOIN_ARTICLE);
    // About a thousand more passages, so the build is still embedding when it is killed.
    for (let i = 0; i < 30; i++) {
      const text = Array.from({ length: 400 }, (_, j) => `Report ${i}.${j}: ships number ${j} entered harbour ${i} at dawn.`).join(' ');
      await writeFile(path.join(own.corpusDir, `006_harbour_${i}.txt`), text);
    }

    const h = (harness = await startBotHarness({ runtime: crashRuntime, core: own }));
    const moderator = { user: h.standIn.users.moderator };
    armed = true;
    const reindex = h.command('reindex', moderator);
    const failed = await h.originalEdit(reindex, (b) => (b.content ?? '').startsWith('Reindex failed'), 90_000);
    expect(killed).toBe(true);
    expect(failed.body.content).toBe(
      'Reindex failed: The index build process was killed (SIGKILL) before it finished. Questions are still answered from the previous index.',
    );
    expect(h.standIn.getInteraction(reindex.id)?.ack?.ephemeral).toBe(true);
    const logged = h.log.entries().find((e) => e.msg === 'reindex failed') as { level: number; err: { message: string } } | undefined;
    expect(logged?.level).toBe(50);
    expect(logged?.err.message).toBe('The index build process was killed (SIGKILL) before it finished.');
    expect(await indexGeneration(own.indexDir)).toBe(generation);

    const question = h.ask(BITCOIN);
    expect(sameAnswer((await h.originalEdit(question)).body, oldAnswer)).toBe(true);

    const again = h.command('reindex', moderator);
    const summary = await h.originalEdit(again, (b) => !(b.content ?? '').startsWith('Reindexing'), 120_000);
    expect(summary.body.content).toMatch(/added 31, changed 0, removed 0, unchanged 5\b/);
    expect(h.standIn.getInteraction(again.id)?.ack?.ephemeral).toBe(true);
    const answered = await h.originalEdit(h.ask(BITCOIN));
    expect(citesBitcoinArticle(answered.body.embeds)).toBe(true);
  }, 180_000);
});

// The tests above write into temp copies only.
afterAll(async () => {
  expect(await readFile('corpus/000_d618012357f11240.txt', 'utf8')).not.toContain('Bitcoin');
});
