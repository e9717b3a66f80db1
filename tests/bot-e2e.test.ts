/**
 * End-to-end tests of the Discord bot: the real createBot + discord.js client, connected to the Discord stand-in
 * (REST + gateway on 127.0.0.1), answering from a real index (offline glove-sif-100d model) built over a temp
 * copy of the corpus. Assertions are on the requests the stand-in recorded, i.e. on what Discord would receive.
 *
 * After every test, whatever it did: no message the bot sent could ping anyone, no request was rejected (unless
 * the test expected it), and the bot token never reached the log.
 */
import { execFile } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionResponseType, MessageFlags, PermissionFlagsBits, type APIApplicationCommandOption, type APIEmbed } from 'discord.js';
import { answerQuestion, type Answer } from '../src/answer/answer.js';
import { formatAnswerText, NOT_IN_CORPUS } from '../src/answer/format-text.js';
import type { Runtime } from '../src/app/runtime.js';
import { HELP_TEXT } from '../src/bot/commands/help.js';
import { renderAnswer } from '../src/bot/render-answer.js';
import { shortTitle } from '../src/text/cut.js';
import { MENTION_HINT } from '../src/bot/mention-handler.js';
import { IndexService } from '../src/index/index-service.js';
import { botSuite } from './helpers/bot-suite.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import {
  indexGeneration,
  isCallback,
  isChannelPost,
  isOriginalEdit,
  messagePayloads,
  slowEmbedder,
  type BotHarness,
  type MessageBody,
  waitFor,
} from './helpers/bot-harness.js';

const HEZBOLLAH = 'What did Lavrov say about Hezbollah?';
const IRAN = 'what did Lavrov say about Iran?';
const BITCOIN = 'What is the price of Bitcoin today?';
/** Would ping a stranger, everyone online, a real member and a real role, if mentions were parsed. */
const pingBait = (h: BotHarness) =>
  `@everyone @here <@123456789012345678> <@${h.standIn.users.moderator.id}> <@&${h.standIn.roles.moderator}>`;

const suite = botSuite();
const { roots, start } = suite;
let runtime: Runtime;
beforeAll(() => void ({ runtime } = suite));

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** The article file an embed cites: its footer reads "4 Nov 2024 · 000_x.txt". */
const fileOf = (embed: APIEmbed) => embed.footer?.text.split(' · ').at(-1);

async function cliAnswer(question: string, k = 3, on: Runtime = runtime): Promise<Answer> {
  return answerQuestion(await on.index.current(), on, question, { k });
}

/** The shared runtime's models over another index service (own corpus, own embedder). */
function runtimeWith(index: IndexService, embedder = runtime.embedder): Runtime {
  return { ...runtime, embedder, index };
}

/**
 * Discord received exactly the reply the command line's answer renders to (a reply to a mention does not echo the
 * question; /ask does), and the command line's readable output shows the same cards: numbers, titles, dates, files
 * and bold answering sentences.
 */
function expectSameAnswerAsCli(body: MessageBody, answer: Answer): void {
  expect(answer.answered).toBe(true);
  const showQuestion = !body.message_reference;
  const expected = renderAnswer(answer, { showQuestion });
  expect(body.content).toBe(expected.content);
  expect(body.embeds).toEqual(expected.embeds);
  expect(body.embeds?.map(fileOf)).toEqual(answer.citations.map((c) => path.basename(c.source)));
  const cli = formatAnswerText(answer, { showQuestion });
  answer.citations.forEach((c, i) => {
    const embed = body.embeds![i];
    expect(cli).toContain(`[${c.n}] ${shortTitle(c.title)} — ${embed.footer?.text}`);
    expect(embed.title?.startsWith(`[${c.n}] `)).toBe(true);
    const bold = /\*\*(.+?)\*\*(?!\*)/.exec(embed.description ?? '')?.[1] ?? '';
    expect(bold.length).toBeGreaterThan(0);
    expect(cli).toContain(`**${bold.replace(/\\(.)/g, '$1')}**`);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------

describe('bot end to end against the Discord stand-in', () => {
  it('registers ask, timeline, sources, help, reindex, add, remove, feedback and settings on the guild, with the documented options', async () => {
    const h = await start();
    const put = h.registration;
    expect(put.path).toBe(`/applications/${h.standIn.applicationId}/guilds/${h.standIn.guildId}/commands`);
    expect(put.status).toBe(200);
    const commands = put.body as Array<{
      name: string;
      description: string;
      options?: APIApplicationCommandOption[];
      default_member_permissions?: string | null;
      contexts?: number[];
    }>;
    expect(commands.map((c) => c.name).sort()).toEqual(['add', 'ask', 'feedback', 'help', 'reindex', 'remove', 'settings', 'sources', 'timeline']);
    const byName = Object.fromEntries(commands.map((c) => [c.name, c]));

    const [question, results] = byName.ask.options ?? [];
    expect(question).toMatchObject({ name: 'question', type: 3, required: true, max_length: 500 });
    expect(results).toMatchObject({ name: 'results', type: 4, min_value: 1, max_value: 5 });
    expect(results.required ?? false).toBe(false);
    expect(byName.reindex.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(byName.reindex.default_member_permissions).toBe('32');
    expect(byName.reindex.contexts).toEqual([0]); // guild only
    const [topic, from, to] = byName.timeline.options ?? [];
    expect([topic, from, to]).toMatchObject([{ name: 'topic', type: 3, required: true, max_length: 60 }, { name: 'from', type: 3 }, { name: 'to', type: 3 }]);
    expect(byName.feedback.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(byName.feedback.contexts).toEqual([0]);
    expect(byName.feedback.options).toEqual([expect.objectContaining({ name: 'days', type: 4, min_value: 1, max_value: 3650 })]);
    for (const name of ['ask', 'timeline', 'sources', 'help']) expect(byName[name].default_member_permissions ?? null).toBeNull();
    expect(h.log.entries().some((e) => e.msg === 'slash commands registered' && e.count === 9 && e.scope === 'guild')).toBe(true);
  });

  it('/ask defers, then edits in the cited excerpts: the same citations as the CLI, highlight in bold', async () => {
    const h = await start();
    const sent = h.ask(HEZBOLLAH);
    const callback = await h.callback(sent);
    expect(callback.status).toBe(204);
    expect(callback.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect((callback.body.data?.flags ?? 0) & MessageFlags.Ephemeral).toBe(0); // the answer is public

    const edit = await h.originalEdit(sent);
    expect(edit.status).toBe(200);
    expect(edit.time).toBeGreaterThanOrEqual(callback.time);
    // The answer leads; the question, which Discord does not show for /ask, closes the message.
    const lines = (edit.body.content ?? '').split('\n');
    expect(lines[0]).toMatch(/^> .*Hezbollah.* \[1\]$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^-# asked: ${HEZBOLLAH.replace('?', '\\?')} · `));
    const embeds = edit.body.embeds ?? [];
    expect(embeds.length).toBeGreaterThan(0);
    expect(embeds.length).toBeLessThanOrEqual(3); // the default
    expect(fileOf(embeds[0])).toMatch(/^000_[0-9a-f]+\.txt$/);
    expectSameAnswerAsCli(edit.body, await cliAnswer(HEZBOLLAH));
    // Exactly one acknowledgement and one edit: no stray follow-ups.
    expect(h.standIn.requests.filter(isCallback(sent))).toHaveLength(1);
    expect(h.standIn.requests.filter((r) => r.path.startsWith(`/webhooks/${sent.applicationId}/${sent.token}`))).toHaveLength(1);
    expect(h.log.entries().some((e) => e.msg === 'answered' && e.question === HEZBOLLAH && e.answered === true)).toBe(true);
  });

  it('/ask results:N gives N excerpts', async () => {
    const h = await start();
    const sent = h.ask(HEZBOLLAH, { options: { results: 1 } });
    const edit = await h.originalEdit(sent);
    expect(edit.body.embeds).toHaveLength(1);
    expectSameAnswerAsCli(edit.body, await cliAnswer(HEZBOLLAH, 1));
  });

  it('answers a mention with a reply to that message, the mention stripped from the question', async () => {
    const h = await start();
    const message = h.mention(IRAN);
    const reply = await h.replyTo(message.id);
    expect(reply.status).toBe(200);
    expect(reply.body.message_reference?.message_id).toBe(message.id);
    // The reply preview already shows the question: the reply leads with the answer and does not repeat it.
    expect(reply.body.content).toMatch(/^> /);
    expect(reply.body.content).not.toContain(IRAN);
    expect(reply.body.content).not.toContain('<@');
    expectSameAnswerAsCli(reply.body, await cliAnswer(IRAN));
    // "typing…" first, then the reply.
    const typing = h.standIn.requests.find((r) => r.method === 'POST' && r.path === `/channels/${h.standIn.channelId}/typing`);
    expect(typing && typing.time <= reply.time).toBe(true);
  });

  it('says so, without embeds, when nothing in the corpus answers', async () => {
    const h = await start();
    expect((await cliAnswer(BITCOIN)).answered).toBe(false);
    const sent = h.ask(BITCOIN);
    expect((await h.callback(sent)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const edit = await h.originalEdit(sent);
    expect(edit.body.content).toContain(NOT_IN_CORPUS);
    expect(edit.body.content).toContain(BITCOIN);
    expect(edit.body.embeds ?? []).toEqual([]);
  });

  it('answers a bare mention (either mention form) with the short usage hint', async () => {
    const h = await start();
    for (const content of [`<@${h.standIn.botUser.id}>`, `  <@!${h.standIn.botUser.id}>  `]) {
      const message = h.standIn.sendMessage({ content });
      const reply = await h.replyTo(message.id);
      expect(reply.body.content).toBe(MENTION_HINT);
      expect(reply.body.embeds ?? []).toEqual([]);
    }
    expect(MENTION_HINT.length).toBeLessThan(200);
    // Ordinary chatter and the bot's own (echoed) messages are ignored.
    h.standIn.sendMessage({ content: 'just talking about Lavrov here' });
    await sleep(200);
    expect(h.standIn.requests.filter(isChannelPost(h.standIn.channelId))).toHaveLength(2);
  });

  it('refuses a question over 500 characters ephemerally, without deferring', async () => {
    const h = await start();
    const long = `${HEZBOLLAH} `.repeat(20).trim();
    expect(long.length).toBeGreaterThan(500);
    const sent = h.ask(long); // as a client ignoring the option's max_length would send it
    const callback = await h.callback(sent);
    expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.body.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(callback.body.data?.content).toMatch(/\b500\b/);
    expect(callback.body.data?.content).toContain(String(long.length));
    await sleep(200);
    expect(h.standIn.requests.filter(isCallback(sent))).toHaveLength(1);
    expect(h.standIn.requests.some(isOriginalEdit(sent))).toBe(false);
  });

  it('rate-limits each user across /ask and mentions; refused questions do not count; others still get answers', async () => {
    const h = await start({ env: () => ({ RATE_LIMIT_QUESTIONS: '2' }) });
    const tooLong = h.ask('x'.repeat(501)); // refused for its length: must not use up the allowance
    expect((await h.callback(tooLong)).body.type).toBe(InteractionResponseType.ChannelMessageWithSource);

    const first = h.ask(HEZBOLLAH);
    expect((await h.callback(first)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect((await h.originalEdit(first)).body.embeds?.length).toBeGreaterThan(0);
    const second = h.mention(IRAN);
    expect((await h.replyTo(second.id)).body.embeds?.length).toBeGreaterThan(0);

    const third = h.ask(HEZBOLLAH);
    const refused = await h.callback(third);
    expect(refused.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refused.body.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(refused.body.data?.content).toMatch(/2 questions every 30 s; try again in \d+ s/);
    const wait = Number(/try again in (\d+) s/.exec(refused.body.data?.content ?? '')?.[1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);

    const fourth = h.mention(IRAN); // the mention path shares the limit: a (public) reply saying so
    expect((await h.replyTo(fourth.id)).body.content).toMatch(/2 questions every 30 s/);

    const other = h.ask(HEZBOLLAH, { user: h.standIn.users.moderator });
    expect((await h.callback(other)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expectSameAnswerAsCli((await h.originalEdit(other)).body, await cliAnswer(HEZBOLLAH));
    await sleep(100);
    expect(h.standIn.requests.some(isOriginalEdit(third))).toBe(false);
  });

  it('never pings, whatever the question contains', async () => {
    const h = await start();
    const question = `${pingBait(h)} ${HEZBOLLAH}`;
    const sent = h.ask(question);
    const edit = await h.originalEdit(sent);
    // Mentions are markup, not words: stripped, the question is still answered from the right article.
    expect(edit.body.content).not.toContain('@everyone');
    expect(edit.body.content).not.toContain(`<@${h.standIn.users.moderator.id}>`);
    expectSameAnswerAsCli(edit.body, await cliAnswer(HEZBOLLAH));
    const stored = h.standIn.getMessage(h.standIn.getInteraction(sent.id)!.originalMessageId!);
    expect(stored).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });

    const message = h.mention(question);
    const reply = await h.replyTo(message.id);
    expect(reply.body.content).not.toContain('@everyone');
    expect(reply.body.content).not.toContain(`<@${h.standIn.botUser.id}>`);
    expectSameAnswerAsCli(reply.body, await cliAnswer(HEZBOLLAH));
    // A reply would ping the asker too, unless replied_user is false (checked after every test).
    expect((reply.response as { mentions: unknown[] }).mentions).toEqual([]);
    // The checks after each test do see these messages.
    expect(messagePayloads(h.standIn.requests).map((p) => p.request)).toEqual(expect.arrayContaining([edit, reply]));
  });

  it('/sources lists every article with title, date and passage count, and which report the same story; /help answers ephemerally', async () => {
    const h = await start();
    const sent = h.command('sources');
    expect((await h.callback(sent)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const edit = await h.originalEdit(sent);
    const [embed] = edit.body.embeds ?? [];
    const documents = Object.values((await runtime.index.current()).manifest.documents);
    expect(documents).toHaveLength(5);
    // Seeds 003 and 004 report the same story (story-clusters.ts): each names the other on a line of its own.
    expect(embed.title).toBe('Sources (5 articles; 1 story reported more than once)');
    const allLines = embed.description!.split('\n');
    const files = documents.map((d) => path.basename(d.source));
    expect(allLines.filter((l) => l.startsWith('  ↳ '))).toEqual([`  ↳ same story as \`${files[4]}\``, `  ↳ same story as \`${files[3]}\``]);
    const lines = allLines.filter((l) => l.startsWith('• '));
    expect(lines).toHaveLength(5);
    documents.forEach((d, i) => {
      expect(d.source).toMatch(new RegExp(`corpus/00${i}_[0-9a-f]+\\.txt$`));
      expect(lines[i]).toContain(d.title.length <= 150 ? d.title : d.title.slice(0, 100));
      expect(lines[i]).toContain(d.date ?? 'undated');
      expect(lines[i]).toContain(`${d.chunks} passages`);
      expect(d.chunks).toBeGreaterThan(0);
      expect(lines[i]).toContain(`\`${d.source}\``);
    });

    const help = h.command('help');
    const callback = await h.callback(help);
    expect(callback.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: HELP_TEXT, flags: MessageFlags.Ephemeral },
    });
    for (const command of ['/ask', '/sources', '/reindex', '/add', '/remove', '/feedback']) expect(HELP_TEXT).toContain(command);
  });

  it('/reindex: refused for a plain member (no rebuild); allowed for a moderator role or Manage Server', async () => {
    const own = await tempCorpus();
    roots.push(own.root);
    const index = new IndexService({ corpusDir: own.corpusDir, indexDir: own.indexDir, embedder: runtime.embedder });
    await index.current();
    const before = await indexGeneration(own.indexDir);
    expect(before).not.toBeNull();
    // A change a rebuild would pick up, so a rebuild that should not happen would show.
    await appendFile(path.join(own.corpusDir, '004_6c860c4a14f93851.txt'), '\n\nLavrov later repeated the call for a ceasefire.\n');

    const basic =
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;
    const h = await start({
      runtime: runtimeWith(index),
      core: own,
      // The moderator role has no Manage Server here: it may reindex only because MODERATOR_ROLE_IDS names it.
      standIn: { moderatorPermissions: basic },
      env: (s) => ({ MODERATOR_ROLE_IDS: s.roles.moderator }),
    });

    const refused = h.command('reindex'); // sent directly, as a server admin could expose the command to anyone
    const callback = await h.callback(refused);
    expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback.body.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(callback.body.data?.content).toMatch(/moderator/i);
    expect(index.isRebuilding).toBe(false);
    await sleep(300);
    expect(await indexGeneration(own.indexDir)).toBe(before);
    expect(h.standIn.requests.some(isOriginalEdit(refused))).toBe(false);
    expect(h.log.entries().some((e) => e.msg === 'reindex refused: not a moderator' && e.user === h.standIn.users.regular.id)).toBe(true);

    const byRole = h.command('reindex', { user: h.standIn.users.moderator });
    const deferred = await h.callback(byRole);
    expect(deferred.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(deferred.body.data?.flags).toBe(MessageFlags.Ephemeral);
    const done = await h.originalEdit(byRole, (b) => !b.content?.startsWith('Reindexing'));
    expect(done.body.content).toMatch(/changed 1\b/);
    expect(done.body.content).toMatch(/unchanged 4\b/);
    const after = await indexGeneration(own.indexDir);
    expect(after).not.toBe(before);

    // Manage Server, no moderator role: allowed too (nothing changed since, so nothing is rebuilt).
    const byPermission = h.command('reindex', { permissions: PermissionFlagsBits.ManageGuild });
    expect((await h.callback(byPermission)).body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect((await h.originalEdit(byPermission)).body.content).toMatch(/up to date: 5 documents/);
    expect(await indexGeneration(own.indexDir)).toBe(after);
  });

  it('/reindex with a slow model: throttled progress, questions answered meanwhile from the old index, no second run', async () => {
    const own = await tempCorpus();
    roots.push(own.root);
    const slow = slowEmbedder(runtime.embedder, 0);
    const index = new IndexService({ corpusDir: own.corpusDir, indexDir: own.indexDir, embedder: slow });
    const slowRuntime = runtimeWith(index, slow);
    await index.current();
    const oldAnswer = await cliAnswer(HEZBOLLAH, 3, slowRuntime);

    // One article changes: hundreds of new passages (several embedding batches), naming Hezbollah throughout,
    // and some of them carrying text that would ping if it were ever parsed as mentions.
    const added = Array.from({ length: 1600 }, (_, i) =>
      i % 50 === 7
        ? `At briefing ${i + 1}, Lavrov said Hezbollah had told @everyone in Beirut, and <@123456789012345678>, to stay calm.`
        : `At briefing ${i + 1} in Moscow, Lavrov said Hezbollah and Israel must stop the shelling across the Lebanese border at once.`,
    ).join(' ');
    await appendFile(path.join(own.corpusDir, '000_d618012357f11240.txt'), `\n\n${added}\n`);
    slow.delayMs = 350;

    const h = await start({ runtime: slowRuntime, core: own });
    const moderator = { user: h.standIn.users.moderator };
    const reindex = h.command('reindex', moderator);
    const deferred = await h.callback(reindex);
    expect(deferred.body).toMatchObject({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    await h.originalEdit(reindex, (b) => b.content?.startsWith('Reindexing…') ?? false);

    // While it runs: a question is answered, and a second reindex is refused.
    const question = h.ask(HEZBOLLAH);
    const second = h.command('reindex', moderator);
    const refused = await h.callback(second);
    expect(refused.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refused.body.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(refused.body.data?.content).toMatch(/already running/);
    const answer = await h.originalEdit(question);
    expect(index.isRebuilding).toBe(true);

    const done = await h.originalEdit(reindex, (b) => !(b.content ?? '').startsWith('Reindexing'), 20_000);
    expect(done.body.content).toMatch(/changed 1\b/);
    expect(done.body.content).toMatch(/added 0\b/);
    expect(answer.time).toBeLessThan(done.time);
    // …and that answer came from the old index.
    expectSameAnswerAsCli(answer.body, oldAnswer);
    expect(answer.body.embeds?.some((e) => e.description?.includes('At briefing'))).toBe(false);

    const progress = h.standIn.requests.filter(
      (r) => isOriginalEdit(reindex)(r) && ((r.body as MessageBody).content ?? '').startsWith('Reindexing…'),
    );
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.some((r) => /embedding passages \d+\/\d+/.test((r.body as MessageBody).content ?? ''))).toBe(true);
    // At most one a second. These are arrival times and the throttle spaces send times, so allow for the
    // transport latency of the earlier edit (a broken throttle here would edit every ~0.4 s, once per batch).
    for (let i = 1; i < progress.length; i++) expect(progress[i].time - progress[i - 1].time).toBeGreaterThanOrEqual(950);
    expect(progress.every((r) => r.time <= done.time)).toBe(true);
    expect(h.log.entries().some((e) => e.msg === 'reindex finished')).toBe(true);

    // The new index is live: the same question now quotes the new text, pings and all — and pings nobody.
    const after = h.ask(HEZBOLLAH);
    const newAnswer = await h.originalEdit(after);
    expectSameAnswerAsCli(newAnswer.body, await cliAnswer(HEZBOLLAH, 3, slowRuntime));
    expect(newAnswer.body.embeds?.some((e) => e.description?.includes('At briefing'))).toBe(true);
    const bait = h.ask(`${HEZBOLLAH} ${pingBait(h)} @everyone <@123456789012345678>`);
    const baitEdit = await h.originalEdit(bait);
    expect(baitEdit.body.content).not.toContain('@everyone');
    expectSameAnswerAsCli(baitEdit.body, await cliAnswer(HEZBOLLAH, 3, slowRuntime));
    const crafted = h.ask('What did Hezbollah tell everyone in Beirut to do?');
    const craftedEdit = await h.originalEdit(crafted);
    expect(craftedEdit.body.embeds?.some((e) => e.description?.includes('@everyone'))).toBe(true);
    expect(craftedEdit.body.embeds?.some((e) => e.description?.includes('<@123456789012345678>'))).toBe(true);
  });

  it('survives acknowledging too late: logs it without the interaction token, and keeps answering', async () => {
    // -1: every acknowledgement counts as late, as from a bot whose event loop was blocked for 3 s.
    const h = await start({ standIn: { interactionAckTimeoutMs: -1 } });
    suite.provoke({
      request: (r) => r.status === 404 && r.path.startsWith('/interactions/'),
      errorLog: (e) => e.msg === 'command failed' || e.msg === 'could not report the failure',
    });
    const sent = h.ask(HEZBOLLAH);
    await waitFor(() => h.log.entries().some((e) => e.msg === 'could not report the failure'), 5_000, 'the failure report');
    // The deferral, then the ephemeral apology: both refused by "Discord", both logged.
    expect(h.standIn.requests.filter(isCallback(sent)).map((r) => [r.status, (r.body as { type: number }).type])).toEqual([
      [404, InteractionResponseType.DeferredChannelMessageWithSource],
      [404, InteractionResponseType.ChannelMessageWithSource],
    ]);
    const failure = h.log.entries().find((e) => e.msg === 'command failed') as { err: { code: number; url: string } };
    expect(failure.err.code).toBe(10062);
    expect(failure.err.url).toContain(`/interactions/${sent.id}/[redacted]/callback`);
    expect(h.log.text()).not.toContain(sent.token);
    // Still working: a mention needs no acknowledgement.
    const message = h.mention(IRAN);
    expect((await h.replyTo(message.id)).body.embeds?.length).toBeGreaterThan(0);
  });

  it('acknowledges in time while the index is still being built', async () => {
    const own = await tempCorpus();
    roots.push(own.root);
    const ackTimeoutMs = 1_000;
    const slow = slowEmbedder(runtime.embedder, 1_200); // building the index takes longer than the deadline
    const index = new IndexService({ corpusDir: own.corpusDir, indexDir: own.indexDir, embedder: slow });
    expect(await indexGeneration(own.indexDir)).toBeNull();

    const h = await start({ runtime: runtimeWith(index, slow), core: own, standIn: { interactionAckTimeoutMs: ackTimeoutMs } });
    const sent = h.ask(HEZBOLLAH);
    const sources = h.command('sources');
    const built = index.current().then(() => Date.now());

    for (const interaction of [sent, sources]) {
      const callback = await h.callback(interaction);
      expect(callback.status).toBe(204);
      expect(callback.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
      expect(callback.time - interaction.dispatchedAt).toBeLessThan(ackTimeoutMs);
      expect(h.standIn.getInteraction(interaction.id)?.ack).not.toBeNull();
    }
    expect(index.isRebuilding).toBe(true);
    const builtAt = await built;
    expect(builtAt - sent.dispatchedAt).toBeGreaterThan(ackTimeoutMs); // the build really outlasted the deadline

    const edit = await h.originalEdit(sent, undefined, 10_000);
    expect(edit.time).toBeGreaterThanOrEqual(builtAt);
    expectSameAnswerAsCli(edit.body, await cliAnswer(HEZBOLLAH, 3, runtimeWith(index, slow)));
    expect((await h.originalEdit(sources, undefined, 10_000)).body.embeds?.[0]?.title).toMatch(/^Sources \(5 articles[;)]/);
    expect(await indexGeneration(own.indexDir)).not.toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// npm start with a bad configuration
// ---------------------------------------------------------------------------------------------------------------

describe.concurrent('npm start with a missing or malformed setting', () => {
  const run = promisify(execFile);
  // What `npm start` runs. (Through `npx`, npm itself may add warnings about the user's npmrc to stderr.)
  const tsx = path.resolve('node_modules/.bin/tsx');
  const SECRET = 'secret-token-value';

  async function startWith(settings: Record<string, string>) {
    // A minimal environment: no DISCORD_TOKEN unless given, no .env. Every case is invalid, so nothing connects.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOTENV_CONFIG_PATH: '/nonexistent/.env', ...settings };
    const result = await run(tsx, ['src/bot/main.ts'], { env, timeout: 20_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
    );
    return result;
  }

  it.each<{ name: string; settings: Record<string, string> }>([
    { name: 'DISCORD_TOKEN', settings: {} },
    { name: 'DISCORD_TOKEN', settings: { DISCORD_TOKEN: 'secret token value' } },
    { name: 'MODERATOR_ROLE_IDS', settings: { DISCORD_TOKEN: SECRET, MODERATOR_ROLE_IDS: '123456789012345678,moderators' } },
  ])('exits 1 with one line naming $name', async ({ name, settings }) => {
    const { code, stdout, stderr } = await startWith(settings);
    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toContain(name);
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(stdout).toBe('');
    for (const secret of [SECRET, 'secret token value']) expect(stdout + stderr).not.toContain(secret);
  });
});

// Keep the shared corpus honest: the tests above must not have changed the repository's articles.
afterAll(async () => {
  const original = await readFile('corpus/000_d618012357f11240.txt', 'utf8');
  expect(original).not.toContain('At briefing');
});
