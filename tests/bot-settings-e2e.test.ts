/**
 * /settings end to end: the real bot (discord.js) against the Discord stand-in, with a real SQLite database per
 * test. Moderators choose per channel where the bot answers (mentions / every message / off), how many citations
 * and threads; mentions and /ask follow; channels the bot cannot see or use, other servers' channels, non-text
 * channels and forged options are refused; a second process's change applies at once; a locked or damaged
 * database leaves the bot answering with the defaults.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  ApplicationCommandOptionType,
  ChannelType,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataOption,
  type APIInteractionDataResolvedChannel,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { ANSWERS_OFF } from '../src/bot/channel-settings-lookup.js';
import { HELP_TEXT } from '../src/bot/commands/help.js';
import { threadLead } from '../src/bot/commands/ask.js';
import { SETTINGS_REPLIES } from '../src/bot/commands/settings.js';
import { openDatabase } from '../src/store/database.js';
import { isChannelPost, waitFor, type BotHarness, type MessageBody } from './helpers/bot-harness.js';
import { botSuite } from './helpers/bot-suite.js';
import type { RecordedRequest, SimpleOptionValues } from './helpers/discord-stand-in.js';
import { joinOtherGuild } from './helpers/stand-in-channels.js';

const IRAN = 'What did Lavrov say about Iran?';
const MESSAGE_CONTENT = GatewayIntentBits.MessageContent;

const suite = botSuite();
const { roots, start } = suite;

/** A server with channels of every kind these tests need. */
const CHANNELS = {
  extraChannels: ['sport', 'hidden', 'readonly', 'lobby', 'voice'],
  botDeniedInChannel: { hidden: PermissionFlagsBits.ViewChannel, readonly: PermissionFlagsBits.SendMessages },
  channelTypes: { lobby: ChannelType.GuildCategory, voice: ChannelType.GuildVoice },
};

async function startBot(options: Parameters<typeof start>[0] = {}) {
  return start({ ...options, standIn: { ...CHANNELS, ...options.standIn } });
}

/** A /settings subcommand from a moderator (unless `user` says otherwise); returns the bot's reply. */
async function settings(h: BotHarness, subcommand: string, options: SimpleOptionValues = {}, user = h.standIn.users.moderator) {
  const sent = h.command('settings', { subcommand, options, user });
  const callback = await h.callback(sent);
  expect(callback.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
  expect(callback.body.data?.flags).toBe(MessageFlags.Ephemeral);
  return callback.body.data?.content ?? '';
}

const stored = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT guild_id, channel_id, mode, citations, threads FROM channel_settings ORDER BY channel_id').all();
  } finally {
    db.close();
  }
};

/** The bot's reply to a message in any channel. */
function replyTo(h: BotHarness, messageId: string, channelId: string) {
  return h.standIn.waitForRequest(
    (r) => isChannelPost(channelId)(r) && (r.body as MessageBody)?.message_reference?.message_id === messageId,
    10_000,
  ) as Promise<RecordedRequest & { body: MessageBody }>;
}

const embedsOf = (reply: { body: MessageBody }) => reply.body.embeds?.length ?? 0;

/**
 * Whether the bot replied to `messageId`: a later mention in #newsroom is answered first (the bot handles messages
 * in order, and an ignored one is dropped at once), so its reply is the moment to look.
 */
async function repliedTo(h: BotHarness, messageId: string): Promise<boolean> {
  const probe = h.mention('What did Lavrov say about Hezbollah?', { channelId: h.standIn.channelId });
  expect(embedsOf(await replyTo(h, probe.id, h.standIn.channelId)), 'the probe is answered, not rate-limited').toBeGreaterThan(0);
  return h.standIn.requests.some((r) => r.method === 'POST' && (r.body as MessageBody)?.message_reference?.message_id === messageId);
}


/** The bot looks a channel up at Discord; for a channel it cannot see, or that is not there, Discord says no. */
const CHANNEL_LOOKUPS_REFUSED = {
  request: (r: RecordedRequest) => r.method === 'GET' && /^\/channels\/\d+$/.test(r.path) && [403, 404].includes(r.status),
  errorLog: () => false,
};

describe('/settings set and what it changes', () => {
  it('is registered for moderators, in servers only, with set / show / reset, and named in /help', async () => {
    const h = await startBot();
    const command = (h.registration.body as Array<{ name: string; options?: Array<Record<string, unknown>>; default_member_permissions?: string; contexts?: number[] }>).find(
      (c) => c.name === 'settings',
    )!;
    expect(command.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(command.contexts).toEqual([0]);
    const [set, show, reset] = command.options ?? [];
    expect([set.name, show.name, reset.name]).toEqual(['set', 'show', 'reset']);
    expect(set.options).toMatchObject([
      { name: 'channel', type: ApplicationCommandOptionType.Channel, required: true, channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] },
      { name: 'mode', type: ApplicationCommandOptionType.String, choices: [{ value: 'mentions' }, { value: 'all' }, { value: 'off' }] },
      { name: 'citations', type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 10 },
      { name: 'threads', type: ApplicationCommandOptionType.Boolean },
    ]);
    expect(HELP_TEXT).toContain('/settings');
  });

  it('citations: a mention and /ask in the channel cite as many as chosen; another channel keeps the default', async () => {
    const h = await startBot();
    const { channelId } = h.standIn;
    const snapshot = await suite.runtime.index.current();
    const cli = async (k: number) => (await answerQuestion(snapshot, suite.runtime, IRAN, { k })).citations.length;

    expect(await settings(h, 'set', { channel: channelId, citations: 1 })).toBe(
      `Settings for <#${channelId}>: answers mentions (default) · 1 citation · in the channel (default).`,
    );
    expect(stored(h.databasePath)).toEqual([{ guild_id: h.standIn.guildId, channel_id: channelId, mode: null, citations: 1, threads: null }]);
    const one = h.mention(IRAN);
    expect(embedsOf(await replyTo(h, one.id, channelId))).toBe(1);

    await settings(h, 'set', { channel: channelId, citations: 5 });
    const five = h.mention(IRAN);
    expect(embedsOf(await replyTo(h, five.id, channelId))).toBe(await cli(5));
    expect(await cli(5)).toBeGreaterThan(await cli(1));
    // /ask follows the channel unless the asker chooses.
    expect(embedsOf(await h.originalEdit(h.ask(IRAN)))).toBe(await cli(5));
    expect(embedsOf(await h.originalEdit(h.ask(IRAN, { options: { results: 1 } })))).toBe(1);

    const sport = h.standIn.channelIdOf('sport');
    const there = h.mention(IRAN, { channelId: sport });
    expect(embedsOf(await replyTo(h, there.id, sport))).toBe(await cli(3));
  });

  it('off: mentions get no answer at all, /ask and /timeline a short private line (not counted against the rate limit)', async () => {
    // Two questions allowed: the two probes below. Anything refused in #sport counting too would rate-limit one.
    const h = await startBot({ env: () => ({ RATE_LIMIT_QUESTIONS: '2' }) });
    const sport = h.standIn.channelIdOf('sport');
    expect(await settings(h, 'set', { channel: sport, mode: 'off' })).toBe(
      `Settings for <#${sport}>: answers are off · 3 citations (default) · in the channel (default).`,
    );
    const ignored = h.mention(IRAN, { channelId: sport });
    const bare = h.mention('', { channelId: sport });
    const sent = h.ask(IRAN, { channelId: sport });
    expect((await h.callback(sent)).body.data).toMatchObject({ content: ANSWERS_OFF, flags: MessageFlags.Ephemeral });
    const timeline = h.command('timeline', { options: { topic: 'Lavrov' }, channelId: sport });
    expect((await h.callback(timeline)).body.data).toMatchObject({ content: ANSWERS_OFF, flags: MessageFlags.Ephemeral });
    expect(await repliedTo(h, ignored.id)).toBe(false);
    expect(await repliedTo(h, bare.id)).toBe(false);
    expect(h.standIn.requests.filter((r) => isChannelPost(sport)(r))).toEqual([]);

    expect(await settings(h, 'reset', { channel: sport })).toBe(
      `<#${sport}> is back to the defaults: answers mentions (default) · 3 citations (default) · in the channel (default).`,
    );
    expect(stored(h.databasePath)).toEqual([]);
    expect(await settings(h, 'reset', { channel: sport })).toMatch(/is already on the defaults/);
  });

  it('every message: refused while the developer portal withholds Message Content; with it, applies after a restart', async () => {
    const withheld = await startBot();
    const { channelId } = withheld.standIn;
    expect(await settings(withheld, 'set', { channel: channelId, mode: 'all' })).toBe(SETTINGS_REPLIES.intentDisabled);
    expect(stored(withheld.databasePath)).toEqual([]);
    await withheld.close();

    const h = await startBot({ standIn: { privilegedIntents: MESSAGE_CONTENT } });
    expect(h.standIn.identifies[0].intents & MESSAGE_CONTENT).toBe(0); // nothing needed it yet
    expect(await settings(h, 'set', { channel: h.standIn.channelId, mode: 'all' })).toBe(
      `Settings for <#${h.standIn.channelId}>: answers every message · 3 citations (default) · in the channel (default).\n${SETTINGS_REPLIES.afterRestart}`,
    );
    await h.restartBot();
    expect(h.standIn.identifies.at(-1)!.intents & MESSAGE_CONTENT).toBe(MESSAGE_CONTENT);
    const plain = h.standIn.sendMessage({ content: IRAN });
    expect(embedsOf(await replyTo(h, plain.id, h.standIn.channelId))).toBeGreaterThan(0);
  });

  it('a stored "every message" with the portal switch turned off since: the bot still starts, answers mentions, says why', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'settings-db-'));
    roots.push(dir);
    const file = path.join(dir, 'bot.sqlite');
    const h = await startBot({ env: () => ({ DATABASE_PATH: file }), standIn: { privilegedIntents: MESSAGE_CONTENT } });
    await settings(h, 'set', { channel: h.standIn.channelId, mode: 'all' });
    await h.close();

    const again = await startBot({ env: () => ({ DATABASE_PATH: file }) }); // no privileged intent enabled
    expect(again.standIn.identifies[0].intents & MESSAGE_CONTENT).toBe(0);
    expect(again.log.entries().some((e) => e.level === 40 && String(e.msg).startsWith('channels set to answer every message answer mentions only'))).toBe(true);
    const mention = again.mention(IRAN);
    expect(embedsOf(await replyTo(again, mention.id, again.standIn.channelId))).toBeGreaterThan(0);
  });

  it('ANSWER_CHANNEL_IDS stays the default of its channels until a moderator chooses otherwise', async () => {
    const h = await startBot({ standIn: { privilegedIntents: MESSAGE_CONTENT }, env: (s) => ({ ANSWER_CHANNEL_IDS: s.channelIdOf('sport') }) });
    const sport = h.standIn.channelIdOf('sport');
    const plain = h.standIn.sendMessage({ content: IRAN, channelId: sport });
    expect(embedsOf(await replyTo(h, plain.id, sport))).toBeGreaterThan(0);
    expect(await settings(h, 'show')).toContain(`Answering every message by the bot’s configuration (ANSWER_CHANNEL_IDS): <#${sport}>.`);

    await settings(h, 'set', { channel: sport, mode: 'mentions' });
    const ignored = h.standIn.sendMessage({ content: IRAN, channelId: sport });
    expect(await repliedTo(h, ignored.id)).toBe(false);
    const mention = h.mention(IRAN, { channelId: sport });
    expect(embedsOf(await replyTo(h, mention.id, sport))).toBeGreaterThan(0);
  });

  it('threads: refused where the bot cannot open threads; where it can, mentions and /ask there are answered in a new thread', async () => {
    const h = await startBot({ standIn: { botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.SendMessagesInThreads } });
    expect(await settings(h, 'set', { channel: h.standIn.channelId, threads: true })).toBe(
      `I cannot answer in <#${h.standIn.channelId}>: my role lacks Create Public Threads there.`,
    );
    await h.close();
    const can = await startBot({ standIn: { botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.SendMessagesInThreads } });
    expect(await settings(can, 'set', { channel: can.standIn.channelId, threads: true })).toContain('· in a new thread.');
    expect(stored(can.databasePath)).toMatchObject([{ threads: 1 }]);

    // A mention there is answered in a new thread started from it, not in the channel.
    const channelId = can.standIn.channelId;
    const mention = can.mention(IRAN, { channelId });
    await can.standIn.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages/${mention.id}/threads`, 10_000);
    const inThread = (await can.standIn.waitForRequest(isChannelPost(mention.id), 10_000)) as RecordedRequest & { body: MessageBody };
    expect(embedsOf(inThread)).toBeGreaterThan(0);
    expect(can.standIn.requests.some((r) => isChannelPost(channelId)(r) && (r.body as MessageBody)?.message_reference?.message_id === mention.id)).toBe(false);

    // /ask there leaves one line in the channel and answers in a thread; `thread: false` answers in place.
    const lead = await can.originalEdit(can.ask(IRAN));
    expect(lead.body.content).toBe(threadLead(IRAN));
    const inPlace = await can.originalEdit(can.ask(IRAN, { options: { thread: false } }));
    expect(embedsOf(inPlace)).toBeGreaterThan(0);
  });
});

describe('/settings refuses', () => {
  it('members who are not moderators, whatever they send', async () => {
    const h = await startBot();
    expect(await settings(h, 'set', { channel: h.standIn.channelId, mode: 'off' }, h.standIn.users.regular)).toBe(
      'Only moderators (Manage Server, or a moderator role) can change the bot’s settings.',
    );
    expect(await settings(h, 'show', {}, h.standIn.users.regular)).toMatch(/^Only moderators/);
    expect(stored(h.databasePath)).toEqual([]);
  });

  it('channels the bot cannot see or post in, and channels that are not text channels, in one sentence each', async () => {
    suite.provoke(CHANNEL_LOOKUPS_REFUSED);
    const h = await startBot();
    const id = (name: string) => h.standIn.channelIdOf(name);
    expect(await settings(h, 'set', { channel: id('hidden'), mode: 'off' })).toBe(`I cannot see <#${id('hidden')}>: give my role View Channel there first.`);
    expect(await settings(h, 'set', { channel: id('readonly'), citations: 2 })).toBe(
      `I cannot answer in <#${id('readonly')}>: my role lacks Send Messages there.`,
    );
    expect(await settings(h, 'set', { channel: id('lobby'), mode: 'off' })).toBe(`Settings apply to text and announcement channels only; <#${id('lobby')}> is not one.`);
    expect(await settings(h, 'set', { channel: id('voice'), mode: 'off' })).toMatch(/^Settings apply to text and announcement channels only/);
    expect(stored(h.databasePath)).toEqual([]);
    // Where it can see but not post, turning answers off is allowed: nothing needs posting.
    expect(await settings(h, 'set', { channel: id('readonly'), mode: 'off' })).toMatch(/answers are off/);
    // Permissions changed since: the check uses what Discord reports now.
    h.standIn.setBotDenied('sport', PermissionFlagsBits.ViewChannel);
    await waitFor(() => !h.bot.client.guilds.cache.get(h.standIn.guildId)!.channels.cache.get(id('sport'))!.permissionsFor(h.bot.client.user!)!.has(PermissionFlagsBits.ViewChannel));
    expect(await settings(h, 'set', { channel: id('sport'), citations: 2 })).toMatch(/^I cannot see/);
  });

  it('forged options: a channel of another server the bot is in, or one that does not exist', async () => {
    suite.provoke(CHANNEL_LOOKUPS_REFUSED);
    const h = await startBot();
    const other = { guildId: '900000000000000001', channelId: '900000000000000002', roleId: '900000000000000003' };
    joinOtherGuild(h.standIn, other);
    await waitFor(() => h.bot.client.channels.cache.has(other.channelId), 5_000, 'the other server in the cache');
    for (const channelId of [other.channelId, '900000000000000099']) {
      const options: APIApplicationCommandInteractionDataOption[] = [
        {
          name: 'set',
          type: ApplicationCommandOptionType.Subcommand,
          options: [
            { name: 'channel', type: ApplicationCommandOptionType.Channel, value: channelId },
            { name: 'mode', type: ApplicationCommandOptionType.String, value: 'off' },
          ],
        },
      ];
      const resolved = {
        channels: { [channelId]: { id: channelId, name: 'elsewhere', type: ChannelType.GuildText, permissions: '3072' } as APIInteractionDataResolvedChannel },
      };
      const sent = h.command('settings', { options, resolved, user: h.standIn.users.moderator });
      expect((await h.callback(sent)).body.data).toMatchObject({ content: 'That channel is not on this server.', flags: MessageFlags.Ephemeral });
    }
    expect(h.log.entries().filter((e) => e.msg === '/settings set refused: That channel is not on this server.')).toHaveLength(2);
    expect(stored(h.databasePath)).toEqual([]);
    // Reset only ever removes this server's own row for the id it names: a forged id finds nothing to remove.
    expect(await settings(h, 'reset', { channel: other.channelId })).toBe(
      `<#${other.channelId}> is already on the defaults: answers mentions (default) · 3 citations (default) · in the channel (default).`,
    );
  });
});

describe('/settings show', () => {
  it('lists this server’s channels within Discord’s 2,000 characters, and what every other channel gets', async () => {
    const h = await startBot();
    const sport = h.standIn.channelIdOf('sport');
    await settings(h, 'set', { channel: sport, mode: 'off', citations: 4 });
    expect(await settings(h, 'show')).toBe(
      [
        '**Channel settings**',
        `<#${sport}>: answers are off · 4 citations · in the channel (default)`,
        'Every other channel: answers mentions (default) · 3 citations (default) · in the channel (default).',
      ].join('\n'),
    );

    // Many channels (written as another process would) and another server's, which this server must not see.
    const db = openDatabase(h.databasePath);
    const insert = db.prepare("INSERT INTO channel_settings VALUES (?, ?, 'all', 10, 1, 'someone', 0)");
    for (let i = 0; i < 120; i++) insert.run(h.standIn.guildId, `8${String(i).padStart(17, '0')}`);
    insert.run('900000000000000001', '900000000000000002');
    db.close();
    const long = await settings(h, 'show');
    expect(long.length).toBeLessThanOrEqual(2000);
    expect(long).toMatch(/\n… and \d+ more \(`npm run settings` lists them all\)\.\n/);
    expect(long).toContain('(channel deleted): answers every message · 10 citations · in a new thread');
    expect(long).not.toContain('900000000000000002');
  });
});

describe('another process and a database in trouble', () => {
  it('a change written by another bot process applies from the next message', async () => {
    const h = await startBot();
    const first = h.mention(IRAN);
    await replyTo(h, first.id, h.standIn.channelId);
    const db = openDatabase(h.databasePath); // the other process
    db.prepare("INSERT INTO channel_settings VALUES (?, ?, 'off', NULL, NULL, 'other', 0)").run(h.standIn.guildId, h.standIn.channelId);
    db.close();
    const sent = h.ask(IRAN);
    expect((await h.callback(sent)).body.data?.content).toBe(ANSWERS_OFF);
  });

  it('a locked database: the change is refused privately and logged, questions are still answered', async () => {
    const h = await startBot();
    const locker = new Database(h.databasePath);
    locker.exec('BEGIN IMMEDIATE');
    const reply = await settings(h, 'set', { channel: h.standIn.channelId, citations: 1 });
    locker.exec('ROLLBACK');
    locker.close();
    expect(reply).toBe(SETTINGS_REPLIES.unavailable);
    expect(h.log.entries().some((e) => e.msg === '/settings set: not saved' && String(e.problem).includes('is locked by another process'))).toBe(true);
    expect(stored(h.databasePath)).toEqual([]);
    const mention = h.mention(IRAN);
    expect(embedsOf(await replyTo(h, mention.id, h.standIn.channelId))).toBeGreaterThan(0);
  });

  it('a damaged database: answers with the defaults, /settings says it cannot, one log line, the file untouched', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'damaged-settings-'));
    roots.push(dir);
    const file = path.join(dir, 'bot.sqlite');
    await writeFile(file, 'these are not the bytes of a SQLite database. '.repeat(100));
    const sentence = `The database ${file} is damaged or not a SQLite database; it is left untouched: repair it or move it away.`;
    suite.provoke({ request: () => false, errorLog: (e) => e.msg === `${sentence} Feedback is not recorded meanwhile.` });
    const h = await startBot({ env: () => ({ DATABASE_PATH: file }) });
    const snapshot = await suite.runtime.index.current();
    const mention = h.mention(IRAN);
    expect(embedsOf(await replyTo(h, mention.id, h.standIn.channelId))).toBe((await answerQuestion(snapshot, suite.runtime, IRAN, { k: 3 })).citations.length);
    expect(await settings(h, 'show')).toBe(SETTINGS_REPLIES.unreadable);
    expect(await settings(h, 'set', { channel: h.standIn.channelId, mode: 'off' })).toBe(SETTINGS_REPLIES.unavailable);
    const second = h.mention(IRAN);
    await replyTo(h, second.id, h.standIn.channelId);
    expect(h.log.entries().filter((e) => e.msg === `${sentence} Channel settings fall back to their defaults meanwhile.`)).toHaveLength(1);
  });
});
