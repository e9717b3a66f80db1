/**
 * Feedback end to end: the real bot (discord.js) against the Discord stand-in, with a real SQLite database per
 * test. 👍/👎 buttons on answers, votes acknowledged with the new counts, forged and stale clicks, a restart, a
 * locked or damaged database, and /feedback for moderators only. Assertions are on what Discord would receive and
 * on what the database holds.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  type APIButtonComponentWithCustomId,
  type APIMessage,
} from 'discord.js';
import { answerQuestion } from '../src/answer/answer.js';
import { VOTE_REFUSED } from '../src/bot/feedback-votes.js';
import { FeedbackStore } from '../src/feedback/feedback-store.js';
import { forgeClick, type BotHarness } from './helpers/bot-harness.js';
import { botSuite } from './helpers/bot-suite.js';

const HEZBOLLAH = 'What did Lavrov say about Hezbollah?';
const BITCOIN = 'What is the price of Bitcoin today?';
const OTHER_GUILD = '999999999999999999';

const suite = botSuite();
const { roots, start } = suite;

// ---------------------------------------------------------------------------------------------------------------

type Button = APIButtonComponentWithCustomId;

function buttonsOf(message: APIMessage | undefined): Button[] {
  return (message?.components ?? []).flatMap((row) => (row.type === ComponentType.ActionRow ? (row.components as Button[]) : []));
}

/** The answer's message in the stand-in, its answer id, and its two feedback custom ids. */
function answerMessage(h: BotHarness, messageId: string) {
  const message = h.standIn.getMessage(messageId);
  const [up, down] = buttonsOf(message);
  const answerId = /^feedback:([A-Za-z0-9_-]{12}):up$/.exec(up?.custom_id ?? '')?.[1];
  if (!answerId) throw new Error(`message ${messageId} has no feedback buttons: ${JSON.stringify(message?.components)}`);
  return { message: message!, answerId, up: up.custom_id, down: down.custom_id };
}

/** Asks with /ask and returns the answer's message once it is filled in. */
async function ask(h: BotHarness, question: string, input: Parameters<BotHarness['ask']>[1] = {}) {
  const sent = h.ask(question, input);
  await h.originalEdit(sent);
  return answerMessage(h, h.standIn.getInteraction(sent.id)!.originalMessageId!);
}

/** Clicks and returns the bot's acknowledgement. */
async function click(h: BotHarness, messageId: string, customId: string, user = h.standIn.users.regular) {
  const sent = h.click(messageId, customId, { user });
  return h.callback(sent);
}

/** 👍/👎 labels as shown: '' when the count is zero. */
const shownCounts = (h: BotHarness, messageId: string) => buttonsOf(h.standIn.getMessage(messageId)).map((b) => b.label ?? '');

function rows<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const votesIn = (file: string) =>
  rows<{ answer_id: string; user_id: string; vote: number }>(file, 'SELECT answer_id, user_id, vote FROM votes ORDER BY user_id');

// ---------------------------------------------------------------------------------------------------------------

describe('👍/👎 on answers', () => {
  it('every answer carries the two buttons; a click is acknowledged with the message showing the count, and recorded', async () => {
    const h = await start();
    const answer = await ask(h, HEZBOLLAH);
    const [up, down] = buttonsOf(answer.message);
    expect(buttonsOf(answer.message)).toHaveLength(2);
    expect(up).toEqual({ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `feedback:${answer.answerId}:up`, emoji: { name: '👍' } });
    expect(down).toMatchObject({ custom_id: `feedback:${answer.answerId}:down`, emoji: { name: '👎' } });
    expect(answer.message.embeds.length).toBeGreaterThan(0); // the answer itself is untouched by the buttons

    // The answer is on record: question, answered, the CLI's citations, who asked and where.
    const cli = await answerQuestion(await suite.runtime.index.current(), suite.runtime, HEZBOLLAH, { k: 3 });
    expect(rows(h.databasePath, 'SELECT * FROM answers')).toEqual([
      {
        id: answer.answerId,
        question: HEZBOLLAH,
        answered: 1,
        sources: JSON.stringify(cli.citations.map((c) => c.source)),
        user_id: h.standIn.users.regular.id,
        guild_id: h.standIn.guildId,
        channel_id: h.standIn.channelId,
        created_at: expect.any(Number),
      },
    ]);

    const ack = await click(h, answer.message.id, answer.up);
    expect(ack.status).toBe(204);
    expect(ack.body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(shownCounts(h, answer.message.id)).toEqual(['1', '']);
    // Only the buttons changed: the answer's text and citations are as they were.
    const after = h.standIn.getMessage(answer.message.id)!;
    expect(after.embeds).toEqual(answer.message.embeds);
    expect(after.content).toBe(answer.message.content);
    expect(votesIn(h.databasePath)).toEqual([{ answer_id: answer.answerId, user_id: h.standIn.users.regular.id, vote: 1 }]);
    expect(h.log.entries().some((e) => e.msg === 'feedback vote recorded' && e.answer === answer.answerId)).toBe(true);
  });

  it('a second click changes the vote, the same click again takes it back; other members add up', async () => {
    const h = await start();
    const { message, up, down } = await ask(h, HEZBOLLAH);
    const { regular, moderator } = h.standIn.users;

    await click(h, message.id, up, regular);
    expect(shownCounts(h, message.id)).toEqual(['1', '']);
    await click(h, message.id, down, regular); // changes the vote
    expect(shownCounts(h, message.id)).toEqual(['', '1']);
    await click(h, message.id, down, moderator);
    expect(shownCounts(h, message.id)).toEqual(['', '2']);
    await click(h, message.id, down, regular); // the same vote again: taken back
    expect(shownCounts(h, message.id)).toEqual(['', '1']);
    expect(votesIn(h.databasePath).map((v) => [v.user_id, v.vote])).toEqual([[moderator.id, -1]]);
  });

  it('mention answers and unanswered questions carry buttons too; unanswered ones are recorded as such', async () => {
    const h = await start();
    const message = h.mention(BITCOIN);
    const reply = await h.replyTo(message.id);
    const answer = answerMessage(h, (reply.response as APIMessage).id);
    expect(rows(h.databasePath, 'SELECT id, question, answered, sources FROM answers')).toEqual([
      { id: answer.answerId, question: BITCOIN, answered: 0, sources: '[]' },
    ]);
    await click(h, answer.message.id, answer.down);
    expect(shownCounts(h, answer.message.id)).toEqual(['', '1']);
  });

  it('buttons keep working after the bot restarts: everything a click needs is in its custom id and the database', async () => {
    const h = await start();
    const { message, up, down } = await ask(h, HEZBOLLAH);
    await click(h, message.id, up, h.standIn.users.regular);
    await h.restartBot();
    await click(h, message.id, down, h.standIn.users.moderator);
    expect(shownCounts(h, message.id)).toEqual(['1', '1']);
    expect(votesIn(h.databasePath)).toHaveLength(2);
  });
});

describe('forged and stale clicks', () => {
  it('malformed ids, unknown answers, other servers and unknown buttons get one short private line, are logged, record nothing', async () => {
    const h = await start();
    const answer = await ask(h, HEZBOLLAH);
    // Discord only delivers clicks on components a message has: the stand-in refuses the rest, as Discord would.
    expect(() => h.click(answer.message.id, 'feedback:AAAAAAAAAAAA:up')).toThrow(/Discord would not deliver this click/);

    const forge = (customId: string, guildId?: string) => forgeClick(h, { messageId: answer.message.id, realCustomId: answer.up, customId, guildId });
    const cases: Array<[string, string | undefined, string, string]> = [
      ['feedback:short:up', undefined, VOTE_REFUSED.malformed, 'feedback click refused: malformed custom id'],
      [`feedback:${answer.answerId}:sideways`, undefined, VOTE_REFUSED.malformed, 'feedback click refused: malformed custom id'],
      ['feedback:AAAAAAAAAAAA:up', undefined, VOTE_REFUSED.unknownAnswer, 'feedback click refused: unknown answer'],
      [answer.up, OTHER_GUILD, VOTE_REFUSED.otherGuild, 'feedback click refused: the answer belongs to another server'],
      ['archive:AAAAAAAAAAAA:2', undefined, 'That button no longer works.', 'unknown button'],
    ];
    for (const [customId, guildId, reply, logged] of cases) {
      const ack = await forge(customId, guildId);
      expect(ack.body.type, customId).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(ack.body.data?.content, customId).toBe(reply);
      expect(ack.body.data?.flags, customId).toBe(MessageFlags.Ephemeral);
      expect(h.log.entries().some((e) => e.msg === logged && e.level === 40), customId).toBe(true);
    }
    expect(votesIn(h.databasePath)).toEqual([]);
    expect(shownCounts(h, answer.message.id)).toEqual(['', '']);
  });

  it('a click from a member who cannot see the channel (forged, or access taken away since) counts nothing', async () => {
    const h = await start();
    const answer = await ask(h, HEZBOLLAH);
    const withoutView = PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory;
    const vote = await forgeClick(h, { messageId: answer.message.id, realCustomId: answer.up, customId: answer.up, permissions: withoutView });
    expect(vote.body.data?.content).toBe(VOTE_REFUSED.cannotSee);
    expect(vote.body.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(h.log.entries().some((e) => e.msg === 'feedback click refused: the member cannot see the channel')).toBe(true);
    expect(votesIn(h.databasePath)).toEqual([]);
    // The same click with the channel in view counts.
    await forgeClick(h, { messageId: answer.message.id, realCustomId: answer.up, customId: answer.up });
    expect(votesIn(h.databasePath)).toHaveLength(1);
  });
});

describe('when the database cannot be used', () => {
  it('a locked database: the click gets a short private note, recorded votes stay, the next click counts', async () => {
    const h = await start();
    const { message, up } = await ask(h, HEZBOLLAH);
    await click(h, message.id, up, h.standIn.users.regular);

    const locker = new Database(h.databasePath);
    locker.exec('BEGIN IMMEDIATE'); // another process in the middle of a write, for longer than the busy timeout
    const refused = await click(h, message.id, up, h.standIn.users.moderator);
    locker.exec('ROLLBACK');
    locker.close();
    expect(refused.body).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: expect.objectContaining({ content: VOTE_REFUSED.unavailable, flags: MessageFlags.Ephemeral }),
    });
    expect(shownCounts(h, message.id)).toEqual(['1', '']);
    const warning = h.log.entries().find((e) => String(e.msg).includes('is locked by another process'));
    expect(warning?.msg).toBe(`The database ${h.databasePath} is locked by another process for longer than the busy timeout. Feedback is not recorded meanwhile.`);

    await click(h, message.id, up, h.standIn.users.moderator);
    expect(shownCounts(h, message.id)).toEqual(['2', '']);
    expect(votesIn(h.databasePath)).toHaveLength(2);
    expect(h.log.entries().some((e) => e.msg === 'the feedback database works again')).toBe(true);
  });

  it('a damaged database: answers still go out (without buttons), one clear log line, the file untouched, /feedback says so', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'damaged-db-'));
    roots.push(dir);
    const file = path.join(dir, 'feedback.sqlite');
    const garbage = 'these are not the bytes of a SQLite database. '.repeat(100);
    await writeFile(file, garbage);
    const sentence = `The database ${file} is damaged or not a SQLite database; it is left untouched: repair it or move it away. Feedback is not recorded meanwhile.`;
    suite.provoke({ request: () => false, errorLog: (e) => e.msg === sentence });
    const h = await start({ env: () => ({ DATABASE_PATH: file }) });

    const sent = h.ask(HEZBOLLAH);
    const edit = await h.originalEdit(sent);
    expect(edit.body.embeds?.length).toBeGreaterThan(0);
    expect(buttonsOf(h.standIn.getMessage(h.standIn.getInteraction(sent.id)!.originalMessageId!))).toEqual([]);
    expect(h.log.entries().filter((e) => e.msg === sentence)).toHaveLength(1);

    const report = h.command('feedback', { user: h.standIn.users.moderator });
    expect((await h.callback(report)).body.data).toMatchObject({
      content: 'The feedback database cannot be read right now; the details are in the bot’s log.',
      flags: MessageFlags.Ephemeral,
    });
    expect(await readFile(file, 'utf8')).toBe(garbage);
  });
});

describe('/feedback', () => {
  it('moderators get this server’s most down-voted answers and most frequent unanswered questions, privately', async () => {
    const h = await start();
    const { regular, moderator } = h.standIn.users;
    const lavrov = await ask(h, HEZBOLLAH);
    await click(h, lavrov.message.id, lavrov.down, regular);
    await click(h, lavrov.message.id, lavrov.down, moderator);
    await ask(h, BITCOIN);
    await ask(h, 'what is the price of bitcoin today', { user: moderator });
    // Another server's questions share the database but are none of this server's business.
    const other = new FeedbackStore(h.databasePath);
    other.recordAnswer({ question: 'A question asked on another server', answered: false, sources: [], userId: 'x', guildId: OTHER_GUILD, channelId: null });
    other.close();

    const refused = h.command('feedback', { user: regular });
    expect((await h.callback(refused)).body.data).toMatchObject({
      content: 'Only moderators (Manage Server, or a moderator role) can see feedback.',
      flags: MessageFlags.Ephemeral,
    });
    expect(h.log.entries().some((e) => e.msg === 'feedback refused: not a moderator' && e.user === regular.id)).toBe(true);

    const sent = h.command('feedback', { user: moderator, options: { days: 7 } });
    const ack = await h.callback(sent);
    expect(ack.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(ack.body.data?.flags).toBe(MessageFlags.Ephemeral);
    const [embed] = ack.body.data?.embeds ?? [];
    expect(embed.title).toBe('Feedback');
    const lines = embed.description!.split('\n');
    expect(lines[0]).toMatch(/^Last 7 days \(since \d{4}-\d\d-\d\d\): 3 answers, 2 unanswered; votes 👍 0 · 👎 2\.$/);
    expect(lines).toContain('Most down-voted answers:');
    expect(lines.find((l) => l.includes(HEZBOLLAH))).toMatch(/^1\\?\. 👎 2 · 👍 0 — “What did Lavrov say about Hezbollah\?” \(\d{4}-\d\d-\d\d, cited .*\.txt/);
    expect(lines.find((l) => /bitcoin/i.test(l))).toMatch(/^1\\?\. 2× — “what is the price of bitcoin today” \(2 people, last \d{4}-\d\d-\d\d\)$/);
    expect(embed.description).not.toContain('another server');
  });

  it('a days option of 1 leaves out older answers', async () => {
    const h = await start();
    await ask(h, BITCOIN);
    // Age the recorded answer by two days, as if asked then.
    const db = new Database(h.databasePath);
    db.prepare('UPDATE answers SET created_at = created_at - ?').run(2 * 86_400_000);
    db.close();
    const ack = await h.callback(h.command('feedback', { user: h.standIn.users.moderator, options: { days: 1 } }));
    const description = ack.body.data?.embeds?.[0]?.description ?? '';
    expect(description).toMatch(/^Last 1 day \(since [^)]+\): 0 answers, 0 unanswered/);
    expect(description).not.toMatch(/bitcoin/i);
  });
});
