/**
 * Links and "More" end to end: the real bot (discord.js) against the Discord stand-in. A cited article with a web
 * address is linked from its embed and from a link button; "More" shows the next citations of a recorded answer to
 * the clicker, numbered on, past the rate limit, after a restart, page by page; forged clicks change nothing.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  type APIButtonComponent,
  type APIEmbed,
  type APIMessage,
} from 'discord.js';
import { answerQuestion, type Answer } from '../src/answer/answer.js';
import { MORE_REFUSED, NOTHING_MORE } from '../src/bot/more-citations.js';
import { forgeClick, type BotHarness } from './helpers/bot-harness.js';
import { botSuite } from './helpers/bot-suite.js';

const ARTICLE_URL = 'https://www.example.org/news/khan-younis-desalination?ref=newsdesk';
const DESALINATION = [
  '---',
  'title: Solar desalination plant opens in Khan Younis',
  'date: 2024-11-05',
  `url: ${ARTICLE_URL}`,
  '---',
  'A solar-powered desalination plant opened in Khan Younis on Tuesday, the first of its kind in the Gaza Strip. The plant',
  'turns seawater into drinking water for about 75,000 people, engineers said.',
  '',
  'The project was paid for by the European Union and built by a local contractor over eighteen months. Israel let the',
  'solar panels in through the Kerem Shalom crossing in March.',
  '',
].join('\n');

const PLANT = 'Which desalination plant opened in Khan Younis?';
/** Four seed articles answer it: three in the answer, one behind "More". */
const PALESTINIANS = 'What did Lavrov say about Palestinians?';
/** One article answers it. */
const HEZBOLLAH = 'What did Lavrov say about Hezbollah?';
/** Four seed stories and the added article mention Israel: five citations in all. */
const ISRAEL = 'Israel';
const OTHER_GUILD = '999999999999999999';

const suite = botSuite({ articles: { '006_desalination.md': DESALINATION } });
const { start } = suite;

// ---------------------------------------------------------------------------------------------------------------

const buttonsOf = (message: APIMessage | undefined) =>
  (message?.components ?? []).flatMap((row) => (row.type === ComponentType.ActionRow ? (row.components as APIButtonComponent[]) : []));
const customIds = (message: APIMessage | undefined) => buttonsOf(message).map((b) => ('custom_id' in b ? b.custom_id : `link ${'url' in b ? b.url : ''}`));
/** The article file an embed cites: its footer reads "4 Nov 2024 · 000_x.txt". */
const fileOf = (embed: APIEmbed) => embed.footer?.text.split(' · ').at(-1);
const filesOf = (answer: Answer) => answer.citations.map((c) => path.basename(c.source));

async function cliAnswer(question: string, k: number): Promise<Answer> {
  return answerQuestion(await suite.runtime.index.current(), suite.runtime, question, { k });
}

/** Asks with /ask and returns the stored answer message and its answer id (from its 👍 button). */
async function ask(h: BotHarness, question: string, results?: number) {
  const sent = h.ask(question, results ? { options: { results } } : {});
  await h.originalEdit(sent);
  const message = h.standIn.getMessage(h.standIn.getInteraction(sent.id)!.originalMessageId!)!;
  const answerId = /^feedback:(.{12}):up$/.exec(customIds(message).find((id) => id.startsWith('feedback:')) ?? '')?.[1];
  if (!answerId) throw new Error(`no feedback buttons on ${JSON.stringify(message.components)}`);
  return { message, answerId };
}

/** Clicks "More" on `message` and returns the acknowledgement and the private page it turned into. */
async function clickMore(h: BotHarness, message: APIMessage, customId: string, user = h.standIn.users.regular) {
  const sent = h.click(message.id, customId, { user });
  const ack = await h.callback(sent);
  const edit = await h.originalEdit(sent);
  const page = h.standIn.getMessage(h.standIn.getInteraction(sent.id)!.originalMessageId!)!;
  return { ack, edit, page };
}

// ---------------------------------------------------------------------------------------------------------------

describe('links to the cited articles', () => {
  it('an article with a web address is linked from its embed title and from a link button named after its site', async () => {
    const h = await start();
    const { message } = await ask(h, PLANT);
    expect(message.embeds.map(fileOf)).toEqual(['006_desalination.md']);
    expect(message.embeds[0].url).toBe(ARTICLE_URL);
    const [links, votes] = message.components ?? [];
    expect(links).toEqual({
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.Button, style: ButtonStyle.Link, url: ARTICLE_URL, label: '[1] example.org' }],
    });
    // One article answers, so there is nothing behind "More": 👍 and 👎 only.
    expect(votes.type === ComponentType.ActionRow && votes.components.map((b) => b.type)).toEqual([ComponentType.Button, ComponentType.Button]);
    expect(message.components).toHaveLength(2);

    // A vote changes the count on 👍 and nothing else: the link stays.
    const answerId = /^feedback:(.{12}):up$/.exec(customIds(message)[1])![1];
    await h.callback(h.click(message.id, `feedback:${answerId}:up`));
    const voted = h.standIn.getMessage(message.id)!;
    expect(voted.components?.[0]).toEqual(links);
    expect(buttonsOf(voted).map((b) => ('label' in b ? b.label : undefined))).toEqual(['[1] example.org', '1', undefined]);
  });

  it('articles without a web address get no link, and no empty row', async () => {
    const h = await start();
    const { message, answerId } = await ask(h, PALESTINIANS);
    expect(message.embeds.every((e) => e.url === undefined)).toBe(true);
    expect(customIds(message)).toEqual([`feedback:${answerId}:up`, `feedback:${answerId}:down`, `more:${answerId}:3`]);
    // 👎 shows its count in place; "More" stays beside it.
    await h.callback(h.click(message.id, `feedback:${answerId}:down`));
    const voted = h.standIn.getMessage(message.id)!;
    expect(customIds(voted)).toEqual(customIds(message));
    expect(buttonsOf(voted).map((b) => ('label' in b ? b.label : undefined))).toEqual([undefined, '1', 'More']);
  });
});

describe('More', () => {
  it('shows the next citations to the clicker only, numbered on, past the rate limit, and after a restart', async () => {
    const h = await start({ env: () => ({ RATE_LIMIT_QUESTIONS: '1', RATE_LIMIT_WINDOW_SECONDS: '600' }) });
    const { message, answerId } = await ask(h, PALESTINIANS);
    expect(message.embeds.map(fileOf)).toEqual(filesOf(await cliAnswer(PALESTINIANS, 3)));
    // The asker's one question is used up…
    const refused = await h.callback(h.ask(PALESTINIANS));
    expect(refused.body.data?.content).toMatch(/^You can ask 1 questions every 600 s/);

    // …and "More" still answers: it is the same question, counted once.
    const { ack, edit, page } = await clickMore(h, message, `more:${answerId}:3`);
    expect(ack.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    const next = (await cliAnswer(PALESTINIANS, 6)).citations.slice(3);
    expect(next.length).toBeGreaterThan(0);
    expect(edit.body.embeds?.map(fileOf)).toEqual(next.map((c) => path.basename(c.source)));
    expect(edit.body.embeds?.[0].title).toMatch(/^\[4\] /);
    expect(edit.body.content).toMatch(/^> .* \[4\]\n/);
    expect(edit.body.content?.split('\n').at(-1)).toMatch(/^-# asked: What did Lavrov say about Palestinians\? · /);
    // Fewer than a page came back: that was all, so no further "More".
    expect(page.components ?? []).toEqual([]);
    expect(page.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    // The answer itself is untouched.
    expect(h.standIn.getMessage(message.id)).toEqual(message);
    expect(h.log.entries().some((e) => e.msg === 'more citations' && e.answer === answerId && e.shown === 3)).toBe(true);

    // Nothing of it lived only in memory: after a restart the same button gives the same page.
    await h.restartBot();
    const again = await clickMore(h, message, `more:${answerId}:3`, h.standIn.users.moderator);
    expect(again.edit.body.embeds).toEqual(edit.body.embeds);
  });

  it('pages on: each page carries "More" for the next, until no other article answers', async () => {
    const h = await start();
    const { message, answerId } = await ask(h, ISRAEL, 1);
    const all = filesOf(await cliAnswer(ISRAEL, 10));
    // Every article: the seeds (003 and 004, one story, are both cited: their best sentences differ) and the added one.
    expect(all).toHaveLength(6);
    expect(message.embeds.map(fileOf)).toEqual(all.slice(0, 1));

    const first = await clickMore(h, message, `more:${answerId}:1`);
    expect(first.edit.body.embeds?.map(fileOf)).toEqual(all.slice(1, 4));
    expect(customIds(first.page)).toEqual([`more:${answerId}:4`]);
    const second = await clickMore(h, first.page, `more:${answerId}:4`);
    expect(second.edit.body.embeds?.map(fileOf)).toEqual(all.slice(4));
    expect(second.edit.body.embeds?.[0].title).toMatch(/^\[5\] /);
    // The last page: the added article's link, and no further "More".
    expect(all.at(-1)).toBe('006_desalination.md');
    expect(customIds(second.page)).toEqual([`link ${ARTICLE_URL}`]);
  });

  it('says so, privately, when no other article answers', async () => {
    const h = await start();
    // One article answers; its two passages that do fill the two places asked for.
    const { message, answerId } = await ask(h, HEZBOLLAH, 2);
    expect(message.embeds.map(fileOf)).toEqual(['000_d618012357f11240.txt', '000_d618012357f11240.txt']);
    expect(customIds(message)).toContain(`more:${answerId}:2`);
    const { edit } = await clickMore(h, message, `more:${answerId}:2`, h.standIn.users.moderator);
    expect(edit.body.content).toBe(NOTHING_MORE);
    expect(edit.body.embeds ?? []).toEqual([]);
  });

  it('forged clicks (malformed, unknown answer, another server) get one private line and are logged', async () => {
    const h = await start();
    const { message, answerId } = await ask(h, PALESTINIANS);
    const forge = (customId: string, guildId?: string) => forgeClick(h, { messageId: message.id, realCustomId: `more:${answerId}:3`, customId, guildId });
    const cases: Array<[string, string | undefined, string, string]> = [
      [`more:${answerId}:0`, undefined, MORE_REFUSED.malformed, 'more click refused: malformed custom id'],
      [`more:${answerId}:10`, undefined, MORE_REFUSED.malformed, 'more click refused: malformed custom id'],
      [`more:${answerId}:03`, undefined, MORE_REFUSED.malformed, 'more click refused: malformed custom id'],
      [`more:${answerId}`, undefined, MORE_REFUSED.malformed, 'more click refused: malformed custom id'],
      ['more:AAAAAAAAAAAA:3', undefined, MORE_REFUSED.unknownAnswer, 'more click refused: unknown answer'],
      [`more:${answerId}:3`, OTHER_GUILD, MORE_REFUSED.otherGuild, 'more click refused: the answer belongs to another server'],
    ];
    for (const [customId, guildId, reply, logged] of cases) {
      const ack = await forge(customId, guildId);
      expect(ack.body, customId).toEqual({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: expect.objectContaining({ content: reply, flags: MessageFlags.Ephemeral }),
      });
      expect(h.log.entries().some((e) => e.msg === logged && e.level === 40), customId).toBe(true);
    }
    expect(h.log.entries().some((e) => e.msg === 'more citations')).toBe(false);
  });
});
