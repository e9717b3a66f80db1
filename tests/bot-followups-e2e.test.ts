/**
 * Follow-ups and threads end to end: the real bot (discord.js) against the Discord stand-in. A reply to one of the
 * bot's answers, or a mention in a thread holding one, is answered with the earlier question as context, found
 * through the API (so it works after a restart); `/ask thread:true` answers in a new thread, or in place (logged)
 * where no thread can be started.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ChannelType, PermissionFlagsBits, type APIButtonComponent, type APIMessage } from 'discord.js';
import { answerFollowUp } from '../src/answer/follow-up.js';
import { NOT_IN_CORPUS } from '../src/answer/format-text.js';
import { THREAD_NAME_MAX_CHARS } from '../src/bot/answer-in-thread.js';
import { threadLead } from '../src/bot/commands/ask.js';
import { echoedQuestion, THREAD_LOOKBACK } from '../src/bot/conversation.js';
import { renderAnswer } from '../src/bot/render-answer.js';
import { isChannelPost, type BotHarness, type MessageBody, waitFor } from './helpers/bot-harness.js';
import type { RecordedRequest } from './helpers/discord-stand-in.js';
import { botSuite } from './helpers/bot-suite.js';

const HEZBOLLAH = 'What did Lavrov say about Hezbollah?';
const suite = botSuite();
const { start } = suite;

/** The bot's reply to `messageId` in `channelId` (a POST referencing it). */
function replyIn(h: BotHarness, channelId: string, messageId: string, timeoutMs = 5_000) {
  return h.standIn.waitForRequest(
    (r) => isChannelPost(channelId)(r) && (r.body as MessageBody)?.message_reference?.message_id === messageId,
    timeoutMs,
  ) as Promise<RecordedRequest & { body: MessageBody }>;
}

/** The follow-up answer the command line gives (`ask --after`), as the bot renders a reply to a message. */
async function cliFollowUp(earlier: string, followUp: string) {
  const { answer } = await answerFollowUp(await suite.runtime.index.current(), suite.runtime, earlier, followUp);
  return { answer, rendered: renderAnswer(answer, { showQuestion: false }) };
}

/** Mentions the bot with a question and returns the stored answer message. */
async function mentionAnswer(h: BotHarness, question: string): Promise<APIMessage> {
  const asked = h.mention(question);
  const reply = await h.replyTo(asked.id);
  return h.standIn.getMessage((reply.response as APIMessage).id)!;
}

const answerIdOf = (message: APIMessage) =>
  (message.components ?? [])
    .flatMap((row) => ('components' in row ? (row.components as APIButtonComponent[]) : []))
    .map((b) => ('custom_id' in b ? /^feedback:(.{12}):up$/.exec(b.custom_id)?.[1] : undefined))
    .find(Boolean);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('follow-ups by reply', () => {
  it('a reply to an answer (pinging the bot, as Discord does by default) is answered with the earlier question; the reply says what was searched', async () => {
    const h = await start();
    const answer = await mentionAnswer(h, HEZBOLLAH);
    const followUp = h.standIn.sendMessage({ content: 'what about Iran?', replyTo: answer.id });
    const reply = await replyIn(h, h.standIn.channelId, followUp.id);
    const cli = await cliFollowUp(HEZBOLLAH, 'what about Iran?');
    expect(cli.answer.answered).toBe(true);
    expect(reply.body.content).toBe(cli.rendered.content);
    expect(reply.body.embeds).toEqual(cli.rendered.embeds);
    expect(reply.body.content).toContain('searched for: What did Lavrov say about Iran?');
    // A follow-up to the follow-up reads the question it searched, which its record holds.
    const second = h.standIn.sendMessage({ content: 'when was that?', replyTo: (reply.response as APIMessage).id });
    const again = await replyIn(h, h.standIn.channelId, second.id);
    expect(again.body.content).toContain('searched for: What did Lavrov say about Iran?');
  });

  it('works after a restart: the replied-to answer comes from Discord (the reply’s referenced message) and its question from the database', async () => {
    const h = await start();
    const answer = await mentionAnswer(h, HEZBOLLAH);
    await h.restartBot();
    const followUp = h.standIn.sendMessage({ content: 'and hamas?', replyTo: answer.id });
    const reply = await replyIn(h, h.standIn.channelId, followUp.id);
    expect(reply.body.content).toBe((await cliFollowUp(HEZBOLLAH, 'and hamas?')).rendered.content);
    expect(reply.body.content).toContain('searched for: What did Lavrov say about hamas?');
  });

  it('without a record of the answer, the question its closing line echoes is used, else the message it replied to', async () => {
    const h = await start();
    const sent = h.ask(HEZBOLLAH);
    await h.originalEdit(sent);
    const answer = h.standIn.getMessage(h.standIn.getInteraction(sent.id)!.originalMessageId!)!;
    expect(echoedQuestion(answer.content)).toBe(HEZBOLLAH);
    const db = new Database(h.databasePath);
    expect(db.prepare('DELETE FROM answers WHERE id = ?').run(answerIdOf(answer)).changes).toBe(1);
    db.close();
    const followUp = h.standIn.sendMessage({ content: 'what about Iran?', replyTo: answer.id });
    const reply = await replyIn(h, h.standIn.channelId, followUp.id);
    expect(reply.body.content).toContain('searched for: What did Lavrov say about Iran?');

    // A mention's answer echoes no question: the message it replied to is the question.
    const mentioned = await mentionAnswer(h, HEZBOLLAH);
    expect(echoedQuestion(mentioned.content)).toBeNull();
    const again = new Database(h.databasePath);
    expect(again.prepare('DELETE FROM answers WHERE id = ?').run(answerIdOf(mentioned)).changes).toBe(1);
    again.close();
    await h.restartBot();
    const second = h.standIn.sendMessage({ content: 'and hamas?', replyTo: mentioned.id });
    const secondReply = await replyIn(h, h.standIn.channelId, second.id);
    expect(secondReply.body.content).toContain('searched for: What did Lavrov say about hamas?');
  });

  it('a follow-up the articles cannot answer says so, with what was searched', async () => {
    const h = await start();
    const answer = await mentionAnswer(h, HEZBOLLAH);
    const followUp = h.standIn.sendMessage({ content: 'and the Houthis?', replyTo: answer.id });
    const reply = await replyIn(h, h.standIn.channelId, followUp.id);
    expect(reply.body.content).toContain(NOT_IN_CORPUS);
    expect(reply.body.content).toContain('searched for: What did Lavrov say about Houthis?');
    expect(reply.body.embeds ?? []).toEqual([]);
  });

  it('a reply that does not ping the bot arrives without its text (no Message Content intent) and is left alone', async () => {
    const h = await start();
    const answer = await mentionAnswer(h, HEZBOLLAH);
    const posts = () => h.standIn.requests.filter(isChannelPost(h.standIn.channelId)).length;
    const before = posts();
    h.standIn.sendMessage({ content: 'what about Iran?', replyTo: answer.id, pingRepliedAuthor: false });
    await sleep(300);
    expect(posts()).toBe(before);
  });

  it('a reply to someone else’s message is an ordinary question when it mentions the bot, and ignored otherwise', async () => {
    const h = await start();
    const chatter = h.standIn.sendMessage({ content: 'Lavrov was in Tehran', author: h.standIn.users.moderator });
    const posts = () => h.standIn.requests.filter(isChannelPost(h.standIn.channelId)).length;
    h.standIn.sendMessage({ content: 'what about Iran?', replyTo: chatter.id });
    await sleep(300);
    expect(posts()).toBe(0);
    const asked = h.standIn.sendMessage({ content: `<@${h.standIn.botUser.id}> What did Lavrov say about Iran?`, replyTo: chatter.id });
    const reply = await replyIn(h, h.standIn.channelId, asked.id);
    expect(reply.body.content).not.toContain('searched for');
    expect(reply.body.content).toContain('Iran');
  });

  it('a reply whose answer was deleted is answered as a question of its own, and logged', async () => {
    const h = await start();
    const missing = '1234567890123456789';
    suite.provoke({ request: (r) => r.method === 'GET' && r.path === `/channels/${h.standIn.channelId}/messages/${missing}` && r.status === 404, errorLog: () => false });
    const asked = h.standIn.sendMessage({ content: `<@${h.standIn.botUser.id}> what did Lavrov say about Iran?`, replyTo: missing, repliedToDeleted: true });
    const reply = await replyIn(h, h.standIn.channelId, asked.id);
    expect(reply.body.content).not.toContain('searched for');
    expect(h.log.entries().some((e) => /replied-to message is gone/.test(String(e.msg)))).toBe(true);
  });
});

describe('/ask in a new thread', () => {
  it('leaves one line in the channel, answers in a thread named after the question, and takes follow-ups there by mention, after a restart too', async () => {
    const h = await start();
    const sent = h.ask(HEZBOLLAH, { options: { thread: true } });
    const lead = await h.originalEdit(sent);
    expect(lead.body.content).toBe(threadLead(HEZBOLLAH));
    const leadId = h.standIn.getInteraction(sent.id)!.originalMessageId!;
    const started = await h.standIn.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.standIn.channelId}/messages/${leadId}/threads`, 5_000);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ name: HEZBOLLAH });
    const threadId = leadId;
    const answerPost = await h.standIn.waitForRequest(isChannelPost(threadId), 5_000);
    expect(answerPost.status).toBe(200);
    expect(answerPost.body).toMatchObject({ content: expect.stringContaining('asked: What did Lavrov say about Hezbollah?') });
    expect((answerPost.body as MessageBody).embeds?.length).toBeGreaterThan(0);
    // The channel's reply stays the one line.
    expect(h.standIn.getMessage(leadId)?.embeds).toEqual([]);

    for (const [followUp, searched] of [
      ['and hamas?', 'What did Lavrov say about hamas?'],
      ['when was that?', 'What did Lavrov say about hamas?'],
    ]) {
      const asked = h.mention(followUp, { channelId: threadId });
      const reply = await replyIn(h, threadId, asked.id);
      expect(reply.status).toBe(200);
      expect(reply.body.content).toContain(`searched for: ${searched}`);
    }
    await h.restartBot();
    const from = h.standIn.requests.length;
    const asked = h.mention('what about Iran?', { channelId: threadId });
    const reply = await replyIn(h, threadId, asked.id);
    expect(reply.body.content).toContain('searched for: What did Lavrov say about Iran?');
    // The restarted bot read the thread's history through the API.
    const history = h.standIn.requests.slice(from).find((r) => r.method === 'GET' && r.path === `/channels/${threadId}/messages`);
    expect(history?.query).toMatchObject({ limit: String(THREAD_LOOKBACK), before: asked.id });
  });

  it('names the thread after the question, cut at a word boundary to 100 characters', async () => {
    const h = await start();
    const question = `What did Lavrov say about Hezbollah ${'and the wider conflict in the region '.repeat(4)}?`.replace(/\s+\?$/, '?');
    expect(question.length).toBeGreaterThan(THREAD_NAME_MAX_CHARS);
    const sent = h.ask(question, { options: { thread: true } });
    const started = await h.standIn.waitForRequest((r) => r.method === 'POST' && /\/threads$/.test(r.path), 5_000);
    const name = (started.body as { name: string }).name;
    expect(started.status).toBe(201);
    expect(name.length).toBeLessThanOrEqual(THREAD_NAME_MAX_CHARS);
    expect(name.endsWith('…')).toBe(true);
    expect(question.startsWith(name.slice(0, -1))).toBe(true);
    await h.originalEdit(sent);
  });

  it('without Create Public Threads, answers in place and logs why', async () => {
    const h = await start({ standIn: { botDeniedInChannel: { newsroom: PermissionFlagsBits.CreatePublicThreads } } });
    const sent = h.ask(HEZBOLLAH, { options: { thread: true } });
    const edit = await h.originalEdit(sent);
    expect(edit.body.content).toContain('asked: What did Lavrov say about Hezbollah?');
    expect(edit.body.embeds?.length).toBeGreaterThan(0);
    expect(h.standIn.requests.some((r) => /\/threads$/.test(r.path))).toBe(false);
    const logged = h.log.entries().find((e) => e.msg === 'answered in place: no thread');
    expect(String(logged?.reason)).toMatch(/CreatePublicThreads/);
  });

  it('inside a thread, answers in place (a thread cannot start a thread)', async () => {
    const h = await start();
    const answer = await mentionAnswer(h, HEZBOLLAH);
    const thread = h.standIn.startThread({ messageId: answer.id, name: 'talk' });
    await waitFor(() => h.bot.client.channels.cache.has(thread.id), 2_000, 'the bot knows the thread');
    const sent = h.ask('What did Lavrov say about Iran?', { options: { thread: true }, channelId: thread.id });
    const edit = await h.originalEdit(sent);
    expect(edit.body.embeds?.length).toBeGreaterThan(0);
    expect(h.standIn.requests.some((r) => /\/threads$/.test(r.path))).toBe(false);
    expect(String(h.log.entries().find((e) => e.msg === 'answered in place: no thread')?.reason)).toMatch(new RegExp(ChannelType[ChannelType.PublicThread]));
  });
});

describe('follow-ups in a thread a member started', () => {
  it('a mention in a thread started from the bot’s answer follows up that answer', async () => {
    const h = await start();
    const answer = await mentionAnswer(h, HEZBOLLAH);
    const thread = h.standIn.startThread({ messageId: answer.id, name: 'Hezbollah' });
    await waitFor(() => h.bot.client.channels.cache.has(thread.id), 2_000, 'the bot knows the thread');
    const asked = h.mention('and hamas?', { channelId: thread.id });
    const reply = await replyIn(h, thread.id, asked.id);
    expect(reply.body.content).toContain('searched for: What did Lavrov say about hamas?');
    // A mention in a thread with no answer of the bot's is an ordinary question.
    const chatter = h.standIn.sendMessage({ content: 'talking', author: h.standIn.users.moderator });
    const quiet = h.standIn.startThread({ messageId: chatter.id, name: 'quiet' });
    await waitFor(() => h.bot.client.channels.cache.has(quiet.id), 2_000, 'the bot knows the thread');
    const plain = h.mention('What did Lavrov say about Iran?', { channelId: quiet.id });
    const plainReply = await replyIn(h, quiet.id, plain.id);
    expect(plainReply.body.content).not.toContain('searched for');
  });
});
