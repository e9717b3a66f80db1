/**
 * Proves the Discord stand-in is faithful enough for end-to-end tests: a plain discord.js Client (not our bot)
 * logs in against it, receives injected slash commands and messages, and every REST call it makes is recorded
 * and validated the way Discord would.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type TextChannel,
} from 'discord.js';
import {
  startDiscordStandIn,
  type DiscordStandIn,
  type DiscordStandInOptions,
  type RecordedRequest,
} from './helpers/discord-stand-in.js';

const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

let standIn: DiscordStandIn | undefined;
let client: Client | undefined;

afterEach(async () => {
  // Client first: a client whose server vanished would keep trying to reconnect.
  await client?.destroy();
  await standIn?.close();
  client = undefined;
  standIn = undefined;
});

/** Starts a stand-in and a logged-in, fully ready client (both cleaned up after each test). */
async function connect(
  options: DiscordStandInOptions = {},
  intents: GatewayIntentBits[] = DEFAULT_INTENTS,
): Promise<{ standIn: DiscordStandIn; client: Client }> {
  standIn = await startDiscordStandIn(options);
  client = new Client({ intents, rest: { api: standIn.apiUrl } });
  const ready = once(client, Events.ClientReady);
  await client.login('test-token');
  await ready;
  return { standIn, client };
}

/** Resolves with the first event the client emits that passes `accept`; fails fast instead of hanging. */
function nextEvent<T>(
  c: Client,
  event: Events.InteractionCreate | Events.MessageCreate,
  accept: (value: unknown) => value is T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${event} within 2 s`)), 2_000);
    const listener = (value: unknown) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      c.off(event, listener);
      resolve(value);
    };
    c.on(event, listener);
  });
}

const nextInteraction = (c: Client) =>
  nextEvent(c, Events.InteractionCreate, (i): i is ChatInputCommandInteraction => (i as Interaction).isChatInputCommand());

const nextMessageFrom = (c: Client, authorId: string) =>
  nextEvent(c, Events.MessageCreate, (m): m is Message => (m as Message).author.id === authorId);

const isRequest = (method: string, path: string | RegExp) => (r: RecordedRequest) =>
  r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path));

async function expectDiscordError(promise: Promise<unknown>, status: number, code: number): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  expect(error).toMatchObject({ status, code });
  return error as DiscordAPIError;
}

describe('discord stand-in with a real discord.js client', () => {
  it('logs in: gateway/bot, IDENTIFY with the requested intents, READY and GUILD_CREATE', async () => {
    const { standIn, client } = await connect();

    expect(standIn.requests.some(isRequest('GET', '/gateway/bot'))).toBe(true);
    const [identify] = standIn.identifies;
    expect(identify.token).toBe('test-token');
    expect(identify.intents).toBe(
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
    );
    await expect(standIn.waitForReady()).resolves.toBe(identify);

    expect(client.user?.id).toBe(standIn.botUser.id);
    expect(client.application?.id).toBe(standIn.applicationId);
    const guild = client.guilds.cache.get(standIn.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(standIn.channelId)?.isTextBased()).toBe(true);
    expect(guild?.roles.cache.get(standIn.roles.moderator)?.permissions.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(guild?.members.me?.id).toBe(standIn.botUser.id);
  });

  it('answers heartbeats and lets a dropped client RESUME, replaying missed events', async () => {
    const { standIn, client } = await connect({ heartbeatIntervalMs: 50 });
    await expect.poll(() => client.ws.ping, { timeout: 1_000 }).toBeGreaterThanOrEqual(0);
    expect(standIn.gatewayReceived.some((p) => p.op === 1)).toBe(true);

    const resumed = once(client, Events.ShardResume);
    standIn.closeGatewayConnections(4000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const received = nextMessageFrom(client, standIn.users.regular.id);
    standIn.sendMessage({ content: 'sent while the bot was away' }); // queued, replayed on RESUME
    await resumed;
    expect(standIn.gatewayReceived.some((p) => p.op === 6)).toBe(true);
    expect(standIn.identifies).toHaveLength(1); // resumed, not re-identified
    expect((await received).content).toBe('sent while the bot was away');
  });

  it('delivers a slash command with options and member permissions; records deferReply + editReply', async () => {
    const { standIn, client } = await connect();
    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({
      name: 'ask',
      options: { question: 'What happened in Paris?', limit: 3 },
      user: standIn.users.moderator,
      roles: [standIn.roles.moderator],
    });

    const interaction = await seen;
    expect(interaction.id).toBe(sent.id);
    expect(interaction.commandName).toBe('ask');
    expect(interaction.options.getString('question')).toBe('What happened in Paris?');
    expect(interaction.options.getInteger('limit')).toBe(3);
    expect(interaction.user.id).toBe(standIn.users.moderator.id);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(interaction.appPermissions.has(PermissionFlagsBits.EmbedLinks)).toBe(true);
    expect(interaction.inGuild()).toBe(true);
    expect(interaction.channelId).toBe(standIn.channelId);

    await interaction.deferReply({ ephemeral: false });
    const reply = await interaction.editReply({
      content: 'Answer with sources',
      embeds: [{ title: 'Sources', description: '[1] Le Monde', fields: [{ name: 'Excerpt', value: '“…”' }] }],
      allowedMentions: { parse: [] },
    });

    const callback = await standIn.waitForRequest(isRequest('POST', `/interactions/${sent.id}/${sent.token}/callback`));
    expect(callback).toMatchObject({
      status: 204,
      body: { type: 5, data: { flags: 0 } },
      query: { with_response: 'false' },
    });
    expect(callback.headers['content-type']).toBe('application/json');

    const originalPath = `/webhooks/${standIn.applicationId}/${sent.token}/messages/@original`;
    const edit = await standIn.waitForRequest(isRequest('PATCH', originalPath));
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({
      content: 'Answer with sources',
      embeds: [{ title: 'Sources', description: '[1] Le Monde' }],
      allowed_mentions: { parse: [] },
    });

    expect(reply.content).toBe('Answer with sources');
    expect(reply.embeds[0]?.title).toBe('Sources');
    expect(reply.author.id).toBe(standIn.botUser.id);
    const state = standIn.getInteraction(sent.id);
    expect(state?.ack).toMatchObject({ type: 5, ephemeral: false });
    expect(state?.ack && state.ack.at - sent.dispatchedAt).toBeLessThan(3_000);
    expect(standIn.getMessage(state?.originalMessageId ?? '')?.flags).toBe(0); // Loading cleared by the edit
  });

  it('records an ephemeral reply with flags 64, and refuses a second acknowledgement', async () => {
    const { standIn, client } = await connect();
    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'help' });
    const interaction = await seen;
    expect(interaction.memberPermissions?.bitfield).toBe(0n); // @everyone has nothing in the stand-in guild

    await interaction.reply({ content: 'Only you can see this', ephemeral: true });
    const callback = await standIn.waitForRequest(isRequest('POST', `/interactions/${sent.id}/${sent.token}/callback`));
    expect(callback.body).toMatchObject({
      type: 4,
      data: { content: 'Only you can see this', flags: MessageFlags.Ephemeral },
    });

    interaction.replied = false; // trick discord.js into acknowledging twice, as a buggy bot would
    await expectDiscordError(interaction.reply('again'), 400, 40060);
  });

  it('answers with_response=true callbacks with the created message', async () => {
    const { standIn, client } = await connect();
    const seen = nextInteraction(client);
    standIn.sendSlashCommand({ name: 'ping' });
    const interaction = await seen;
    const response = await interaction.reply({ content: 'pong', withResponse: true });
    expect(response.interaction.responseMessageId).toBe(response.resource?.message?.id);
    expect(response.resource?.message?.content).toBe('pong');
  });

  it('rejects an acknowledgement that comes after the deadline with 404 Unknown interaction', async () => {
    const { standIn, client } = await connect({ interactionAckTimeoutMs: 100 });
    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'ask', options: { question: 'slow?' } });
    const interaction = await seen;
    await new Promise((resolve) => setTimeout(resolve, 150));

    await expectDiscordError(interaction.deferReply(), 404, 10062);
    const callback = await standIn.waitForRequest(isRequest('POST', `/interactions/${sent.id}/${sent.token}/callback`));
    expect(callback.status).toBe(404);
    expect(standIn.getInteraction(sent.id)?.ack).toBeNull();
  });

  it('delivers a message mentioning the bot; message.reply posts with message_reference', async () => {
    const { standIn, client } = await connect();
    const received = nextMessageFrom(client, standIn.users.regular.id);
    const sent = standIn.sendMessage({ content: `<@${standIn.botUser.id}> what about the election?` });

    const message = await received;
    expect(message.id).toBe(sent.id);
    expect(message.content).toBe(`<@${standIn.botUser.id}> what about the election?`);
    expect(message.inGuild()).toBe(true);
    expect(message.mentions.has(client.user!)).toBe(true);

    const answer = await message.reply({ content: 'Here is what I found.', allowedMentions: { repliedUser: false } });
    const post = await standIn.waitForRequest(isRequest('POST', `/channels/${standIn.channelId}/messages`));
    expect(post.status).toBe(200);
    expect(post.body).toMatchObject({
      content: 'Here is what I found.',
      message_reference: { message_id: sent.id },
      allowed_mentions: { replied_user: false },
    });
    expect(answer.reference?.messageId).toBe(sent.id);
    expect(answer.mentions.users.size).toBe(0); // replied_user: false → nobody pinged
  });

  it('blanks message content without the MessageContent intent unless the bot is mentioned', async () => {
    const { standIn, client } = await connect({}, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const plain = nextMessageFrom(client, standIn.users.regular.id);
    standIn.sendMessage({ content: 'secret text' });
    expect((await plain).content).toBe('');

    const mention = nextMessageFrom(client, standIn.users.regular.id);
    standIn.sendMessage({ content: `<@${standIn.botUser.id}> hello` });
    expect((await mention).content).toBe(`<@${standIn.botUser.id}> hello`);
  });

  it('rejects over-long content and embeds with a 400 that surfaces as DiscordAPIError', async () => {
    const { standIn, client } = await connect();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;

    const error = await expectDiscordError(channel.send('x'.repeat(2001)), 400, 50035);
    expect(error.rawError).toMatchObject({ errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    const recorded = await standIn.waitForRequest((r) => r.status === 400);
    expect(recorded.path).toBe(`/channels/${standIn.channelId}/messages`);

    await expect(channel.send('x'.repeat(2000))).resolves.toBeDefined(); // the limit itself is fine
    await expectDiscordError(channel.send({ embeds: [{ title: 't'.repeat(257) }] }), 400, 50035);
    await expectDiscordError(channel.send({ embeds: [{ description: 'd'.repeat(4097) }] }), 400, 50035);
    await expectDiscordError(channel.send({ embeds: Array.from({ length: 11 }, () => ({ title: 'x' })) }), 400, 50035);
    const fields = Array.from({ length: 7 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(1000) }));
    const tooBig = await expectDiscordError(channel.send({ embeds: [{ fields }] }), 400, 50035);
    expect(tooBig.rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } });
    await expectDiscordError(channel.send({ content: '   ' }), 400, 50006);
  });

  it('parses payload_json from multipart uploads and records the files', async () => {
    const { standIn, client } = await connect();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const message = await channel.send({
      content: 'see attachment',
      files: [{ attachment: Buffer.from('hello'), name: 'notes.txt' }],
    });

    const post = await standIn.waitForRequest(isRequest('POST', `/channels/${standIn.channelId}/messages`));
    expect(post.body).toMatchObject({ content: 'see attachment' });
    expect(post.files).toEqual([expect.objectContaining({ field: 'files[0]', filename: 'notes.txt', size: 5 })]);
    expect(message.attachments.first()?.name).toBe('notes.txt');
  });

  it('records guild command registration and echoes commands with ids; rejects invalid names', async () => {
    const { standIn, client } = await connect();
    const body = [
      {
        name: 'ask',
        description: 'Ask the news desk',
        options: [{ type: 3, name: 'question', description: 'Your question', required: true }],
      },
    ];
    const registered = (await client.rest.put(Routes.applicationGuildCommands(standIn.applicationId, standIn.guildId), {
      body,
    })) as Array<{ id: string; name: string; guild_id: string }>;

    const guildCommandsPath = `/applications/${standIn.applicationId}/guilds/${standIn.guildId}/commands`;
    const put = await standIn.waitForRequest(isRequest('PUT', guildCommandsPath));
    expect(put.body).toEqual(body);
    expect(registered).toEqual([
      expect.objectContaining({ name: 'ask', guild_id: standIn.guildId, id: expect.any(String) }),
    ]);
    expect(standIn.sendSlashCommand({ name: 'ask', options: { question: 'q' } }).commandId).toBe(registered[0]?.id);

    await expectDiscordError(
      client.rest.put(Routes.applicationCommands(standIn.applicationId), { body: [{ name: 'Ask', description: 'bad' }] }),
      400,
      50035,
    );
  });

  it('answers unknown routes with a recorded 404', async () => {
    const { standIn, client } = await connect();
    await expectDiscordError(client.rest.get('/nonexistent/route'), 404, 0);
    expect(standIn.requests.at(-1)).toMatchObject({ method: 'GET', path: '/nonexistent/route', status: 404 });
  });
});
