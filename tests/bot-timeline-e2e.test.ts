/**
 * /timeline end to end: the real bot (createBot + discord.js) against the Discord stand-in, over a temp corpus of
 * the seeds plus eleven short articles on one story (ten dated, one undated), so the timeline needs two pages.
 */
import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Events, GatewayDispatchEvents, InteractionResponseType, MessageFlags, type APIActionRowComponent, type APIButtonComponentWithCustomId } from 'discord.js';
import { NOT_IN_CORPUS } from '../src/answer/format-text.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import type { CoreSettings } from '../src/app/settings.js';
import { createBot } from '../src/bot/bot.js';
import { createLogger } from '../src/bot/logger.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import { BOT_TOKEN, memoryLog, messagePayloads, startBotHarness, waitFor, type BotHarness, type MessageBody } from './helpers/bot-harness.js';
import type { RecordedRequest, SentComponentInteraction } from './helpers/discord-stand-in.js';

const PLACES = ['Odesa', 'Izmail', 'Reni', 'Chornomorsk', 'Mykolaiv', 'Kherson', 'Constanta', 'Varna', 'Burgas', 'Galati', 'Sulina'];

let core: CoreSettings & { root: string };
let runtime: Runtime;
let harness: BotHarness | undefined;

beforeAll(async () => {
  core = await tempCorpus('timeline-e2e-');
  await Promise.all(
    PLACES.map((place, i) => {
      const date = i < 10 ? `date: 2024-0${Math.floor(i / 3) + 1}-${String(10 + i).padStart(2, '0')}\n` : '';
      const text = `---\ntitle: "Grain corridor ships call at ${place}"\n${date}---\nThe Black Sea grain corridor carried another convoy of bulk carriers to ${place} this week, port officials said. Insurers ${place === 'Sulina' ? 'raised' : 'cut'} premiums for vessels using the grain corridor.\n`;
      return writeFile(path.join(core.corpusDir, `1${String(i).padStart(2, '0')}_grain.md`), text);
    }),
  );
  runtime = await openRuntime(core, () => {});
  await runtime.index.current();
}, 120_000);

afterAll(async () => {
  await rm(core.root, { recursive: true, force: true });
});

afterEach(async () => {
  const h = harness;
  harness = undefined;
  if (!h) return;
  await h.close();
  // Nobody is pinged, and Discord (the stand-in) accepted every request.
  for (const { request, body } of messagePayloads(h.standIn.requests)) expect(body.allowed_mentions?.parse, `${request.method} ${request.path}`).toEqual([]);
  expect(h.standIn.requests.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} → ${r.status} ${JSON.stringify(r.response)}`)).toEqual([]);
  expect(h.log.text()).not.toContain(BOT_TOKEN);
});

type Row = APIActionRowComponent<APIButtonComponentWithCustomId>;
const buttonsOf = (body: MessageBody) => ((body as { components?: Row[] }).components ?? []).flatMap((r) => r.components);
const linesOf = (body: MessageBody) => (body.embeds?.[0].description ?? '').split('\n');
const isClickEdit = (click: SentComponentInteraction) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path === `/webhooks/${click.applicationId}/${click.token}/messages/@original`;

async function clickAndWait(h: BotHarness, messageId: string, customId: string) {
  const click = h.standIn.sendComponentClick({ messageId, customId });
  const ack = await h.standIn.waitForRequest((r) => r.method === 'POST' && r.path === `/interactions/${click.id}/${click.token}/callback`, 5_000);
  expect((ack.body as { type: number }).type).toBe(InteractionResponseType.DeferredMessageUpdate);
  return (await h.standIn.waitForRequest(isClickEdit(click), 5_000)).body as MessageBody;
}

describe('/timeline', () => {
  it('lists the story oldest first on pages of 8, pages with buttons, and marks the undated article last', async () => {
    const h = (harness = await startBotHarness({ runtime, core }));
    const sent = h.command('timeline', { options: { topic: 'grain corridor' } });
    expect((await h.callback(sent)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const first = (await h.originalEdit(sent)).body;
    expect(first.embeds?.[0].title).toBe('Timeline: grain corridor (11 articles)');
    expect(linesOf(first)).toHaveLength(8);
    expect(linesOf(first)[0]).toMatch(/^• 10 Jan 2024 — \*\*Grain corridor ships call at Odesa\*\* — /);
    expect(first.embeds?.[0].footer?.text).toBe('topic: grain corridor · as of 4 Nov 2024, 16 articles · page 1 of 2');
    const [earlier, later] = buttonsOf(first);
    expect([earlier.disabled, later.disabled]).toEqual([true, false]);

    const messageId = h.standIn.getInteraction(sent.id)!.originalMessageId!;
    const second = await clickAndWait(h, messageId, later.custom_id);
    expect(linesOf(second)).toHaveLength(3);
    expect(linesOf(second).at(-1)).toMatch(/^• undated — \*\*Grain corridor ships call at Sulina\*\*/);
    expect(second.embeds?.[0].footer?.text).toMatch(/page 2 of 2$/);
    expect(buttonsOf(second).map((b) => b.disabled)).toEqual([false, true]);
    // The message now shows page 2; clicking back gives page 1 again, identical.
    const back = await clickAndWait(h, messageId, buttonsOf(second)[0].custom_id);
    expect(back.embeds).toEqual(first.embeds);
    // Discord delivers no click on a disabled button.
    expect(() => h.standIn.sendComponentClick({ messageId, customId: buttonsOf(back)[0].custom_id })).toThrow(/would not deliver/);
  });

  it('page buttons keep working after the bot restarts: the custom id carries the topic, range and page', async () => {
    const h = (harness = await startBotHarness({ runtime, core }));
    const sent = h.command('timeline', { options: { topic: 'grain corridor', to: 'March 2024' } });
    const first = (await h.originalEdit(sent)).body;
    expect(first.embeds?.[0].footer?.text).toMatch(/^topic: grain corridor · until 31 Mar 2024 · /);
    const messageId = h.standIn.getInteraction(sent.id)!.originalMessageId!;
    await h.bot.stop();
    // A new process: nothing of the old bot's memory, the same Discord.
    const log = memoryLog();
    const bot = createBot({ config: h.config, runtime, logger: createLogger('info', log.stream), restApi: h.standIn.apiUrl });
    const ready = once(bot.client, Events.ClientReady);
    await bot.start();
    await ready;
    try {
      const page2 = await clickAndWait(h, messageId, buttonsOf(first)[1].custom_id);
      // Nine dated up to March, one undated: page 2 holds the ninth and the undated one.
      expect(linesOf(page2)).toEqual([expect.stringMatching(/^• 18 Mar 2024 — .*Burgas/), expect.stringMatching(/^• undated — .*Sulina/)]);
    } finally {
      await bot.stop();
    }
  });

  it('a topic the articles do not cover gets the "not in the articles" answer, with as of, and no buttons', async () => {
    const h = (harness = await startBotHarness({ runtime, core }));
    const sent = h.command('timeline', { options: { topic: 'price of bitcoin' } });
    const body = (await h.originalEdit(sent)).body;
    expect(body.content).toBe(`${NOT_IN_CORPUS}\n-# topic: price of bitcoin · as of 4 Nov 2024, 16 articles`);
    expect(body.embeds ?? []).toEqual([]);
    expect(buttonsOf(body)).toEqual([]);
  });

  it('a bad date, a forged button and the rate limit get one short private line', async () => {
    const h = (harness = await startBotHarness({ runtime, core, env: () => ({ RATE_LIMIT_QUESTIONS: '1' }) }));
    const bad = h.command('timeline', { options: { topic: 'grain corridor', from: 'someday' } });
    const badReply = (await h.callback(bad)).body;
    expect(badReply.data).toMatchObject({ content: '"from" must be a date, such as 2024-03-01, March 2024 or 2024.', flags: MessageFlags.Ephemeral });

    const ok = h.command('timeline', { options: { topic: 'grain corridor' } });
    await h.originalEdit(ok);
    const limited = h.command('timeline', { options: { topic: 'grain corridor' } });
    expect((await h.callback(limited)).body.data).toMatchObject({ content: expect.stringMatching(/^You can ask 1 questions every 30 s/), flags: MessageFlags.Ephemeral });

    // A click Discord would deliver only for an id the bot never made: forged from a real click's payload.
    const messageId = h.standIn.getInteraction(ok.id)!.originalMessageId!;
    const forged = h.standIn.componentClickPayload({ messageId, customId: 'timeline:0:2024:x:grain' });
    h.standIn.dispatch(GatewayDispatchEvents.InteractionCreate, forged);
    const refusal = await h.standIn.waitForRequest((r) => r.path === `/interactions/${forged.id}/${forged.token}/callback`, 5_000);
    expect(refusal.body).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'That button no longer works; run /timeline again.', flags: MessageFlags.Ephemeral } });
    await waitFor(() => h.log.entries().some((e) => e.msg === 'malformed timeline button'));
  });
});
