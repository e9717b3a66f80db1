/**
 * Proves the Discord stand-in is faithful enough for end-to-end tests: a plain discord.js Client (not our bot)
 * logs in against it, receives injected slash commands and messages, and every REST call it makes is recorded
 * and validated the way Discord would.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIUser,
  type ButtonInteraction,
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
  // The default intents include Message Content, so the application has it enabled unless a test says otherwise.
  standIn = await startDiscordStandIn({ privilegedIntents: GatewayIntentBits.MessageContent, ...options });
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
    // @everyone has nothing in the stand-in guild: a member has what seeing and using the channel takes, no more.
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);

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

  it('validates every body against the API schema: an embed color "blue" gets 400 / 50035 with the field error', async () => {
    const { standIn, client } = await connect();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const colourError = { code: 'NUMBER_TYPE_COERCE', message: 'Value "blue" is not int.' };
    const badEmbed = { title: 'Sources', color: 'blue' } as unknown as APIEmbed;

    const posted = await expectDiscordError(channel.send({ embeds: [badEmbed] }), 400, 50035);
    expect(posted.rawError).toEqual({ message: 'Invalid Form Body', code: 50035, errors: { embeds: { 0: { color: { _errors: [colourError] } } } } });
    const sentBefore = standIn.requests.filter((r) => r.status === 200 && r.method === 'POST').length;

    // The same refusal on an interaction callback (nested under `data`) and on webhook edits and follow-ups.
    const seen = nextInteraction(client);
    standIn.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const interaction = await seen;
    const replied = await expectDiscordError(interaction.reply({ embeds: [badEmbed] }), 400, 50035);
    expect(replied.rawError).toMatchObject({ errors: { data: { embeds: { 0: { color: { _errors: [colourError] } } } } } });
    await interaction.reply({ content: 'fine' });
    await expectDiscordError(interaction.editReply({ embeds: [badEmbed] }), 400, 50035);
    await expectDiscordError(interaction.followUp({ embeds: [badEmbed] }), 400, 50035);
    // Other types and bounds the spec sets: a field without a value, a colour beyond 0xFFFFFF, a bad URL.
    const fieldless = await expectDiscordError(channel.send({ embeds: [{ fields: [{ name: 'n' } as never] }] }), 400, 50035);
    expect(fieldless.rawError).toMatchObject({ errors: { embeds: { 0: { fields: { 0: { value: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } } } } } } });
    const tooBright = await expectDiscordError(channel.send({ embeds: [{ color: 0x1000000 }] }), 400, 50035);
    expect(tooBright.rawError).toMatchObject({ errors: { embeds: { 0: { color: { _errors: [{ code: 'NUMBER_TYPE_MAX' }] } } } } });
    await expectDiscordError(channel.send({ embeds: [{ url: 'not a url', title: 't' }] }), 400, 50035);

    // Nothing refused was stored: only the one valid reply exists.
    expect(standIn.requests.filter((r) => r.status === 200 && r.method === 'POST').length).toBe(sentBefore);
    expect(standIn.requests.filter((r) => r.status === 400)).toHaveLength(7);
    // Valid bodies still pass, numeric strings included (Discord coerces them, e.g. permission bit sets).
    await expect(channel.send({ embeds: [{ title: 'ok', color: 0x3b82f6, url: 'https://example.org/a' }] })).resolves.toBeDefined();
  });

  it('the first follow-up after a deferral edits the loading message and keeps its visibility; later ones are new', async () => {
    const { standIn, client } = await connect();
    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const interaction = await seen;
    await interaction.deferReply(); // public
    const originalId = standIn.getInteraction(sent.id)?.originalMessageId;

    const first = await interaction.followUp({ content: 'answer', flags: MessageFlags.Ephemeral });
    expect(first.id).toBe(originalId); // no new message: the loading one was filled in
    const stored = standIn.getMessage(originalId!);
    expect(stored?.content).toBe('answer');
    expect((stored?.flags ?? 0) & MessageFlags.Ephemeral).toBe(0); // EPHEMERAL ignored, as on Discord
    expect((stored?.flags ?? 0) & MessageFlags.Loading).toBe(0);
    expect(standIn.getInteraction(sent.id)?.followUpIds).toEqual([]);

    const second = await interaction.followUp({ content: 'only for you', flags: MessageFlags.Ephemeral });
    expect(second.id).not.toBe(originalId);
    expect(standIn.getMessage(second.id)?.flags).toBe(MessageFlags.Ephemeral);
    expect(standIn.getInteraction(sent.id)?.followUpIds).toEqual([second.id]);
  });

  it('a follow-up after the deferred reply was deleted is a new message with its own visibility', async () => {
    const { standIn, client } = await connect();
    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const interaction = await seen;
    await interaction.deferReply();
    const originalId = standIn.getInteraction(sent.id)?.originalMessageId;
    await interaction.deleteReply();
    expect(standIn.getMessage(originalId!)).toBeUndefined();
    await expectDiscordError(interaction.editReply('too late'), 404, 10008);

    const apology = await interaction.followUp({ content: 'sorry', flags: MessageFlags.Ephemeral });
    expect(apology.id).not.toBe(originalId);
    expect(standIn.getMessage(apology.id)?.flags).toBe(MessageFlags.Ephemeral);
  });

  it('ignores EPHEMERAL on channel messages and on edits; a deferral may carry only EPHEMERAL', async () => {
    const { standIn, client } = await connect();
    const posted = (await client.rest.post(Routes.channelMessages(standIn.channelId), {
      body: { content: 'public anyway', flags: MessageFlags.Ephemeral },
    })) as { id: string; flags: number };
    expect(posted.flags & MessageFlags.Ephemeral).toBe(0);
    const echoed = nextMessageFrom(client, standIn.botUser.id);
    expect((await echoed).id).toBe(posted.id); // everyone saw it

    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const interaction = await seen;
    // SUPPRESS_NOTIFICATIONS on a deferral: refused, and the interaction stays unacknowledged.
    const deferWithFlags = client.rest.post(Routes.interactionCallback(sent.id, sent.token), {
      body: { type: 5, data: { flags: MessageFlags.SuppressNotifications } },
      auth: false,
    });
    const refused = await expectDiscordError(deferWithFlags, 400, 50035);
    expect(refused.rawError).toMatchObject({ errors: { data: { flags: { _errors: [{ message: expect.stringMatching(/EPHEMERAL/) }] } } } });
    expect(standIn.getInteraction(sent.id)?.ack).toBeNull();

    await interaction.reply({ content: 'public reply' });
    const edited = (await client.rest.patch(Routes.webhookMessage(standIn.applicationId, sent.token, '@original'), {
      body: { content: 'still public', flags: MessageFlags.Ephemeral },
      auth: false,
    })) as { flags: number; content: string };
    expect(edited.content).toBe('still public');
    expect(edited.flags & MessageFlags.Ephemeral).toBe(0);
  });

  it('expires interaction tokens: webhook calls after the lifetime get 401 / 50027 Invalid Webhook Token', async () => {
    const { standIn, client } = await connect({ interactionTokenLifetimeMs: 300 });
    const seen = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'reindex' });
    const interaction = await seen;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply('working…'); // within the lifetime
    await new Promise((resolve) => setTimeout(resolve, 350));

    const edit = await expectDiscordError(interaction.editReply('done'), 401, 50027);
    expect(edit.rawError).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
    await expectDiscordError(interaction.followUp('done'), 401, 50027);
    await expectDiscordError(interaction.deleteReply(), 401, 50027);
    expect(standIn.getMessage(standIn.getInteraction(sent.id)!.originalMessageId!)?.content).toBe('working…');
  });

  it('rate limits: 429 with retry_after and rate-limit headers; discord.js waits on announced limits, retries hidden ones', async () => {
    const editsOf = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.includes('/messages/');
    const { standIn, client } = await connect({
      rateLimits: [{ bucket: 'edits', matches: editsOf, limit: 2, windowMs: 1_000, announced: false }],
    });
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const message = await channel.send('v0');

    // Raw HTTP, to see exactly what Discord sends back.
    const url = `${standIn.apiUrl}/v10/channels/${standIn.channelId}/messages/${message.id}`;
    const patch = (content: string) =>
      fetch(url, { method: 'PATCH', headers: { Authorization: 'Bot test-token', 'Content-Type': 'application/json' }, body: JSON.stringify({ content }) });
    const responses = [await patch('v1'), await patch('v2'), await patch('v3')];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(responses[0].headers.get('x-ratelimit-limit')).toBeNull(); // a hidden limit: no warning beforehand
    const limited = responses[2];
    const body = (await limited.json()) as { message: string; retry_after: number; global: boolean };
    expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(1);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-bucket')).toBe('edits');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(standIn.getMessage(message.id)?.content).toBe('v2'); // the refused edit changed nothing

    // discord.js meets the 429, waits Retry-After and retries: every edit lands, in order.
    const before = standIn.requests.length;
    const edits = await Promise.all(['a', 'b', 'c'].map((content) => message.edit(content)));
    expect(edits.map((m) => m.content)).toEqual(['a', 'b', 'c']);
    const later = standIn.requests.slice(before).filter(editsOf);
    expect(later.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(later.filter((r) => r.status === 200)).toHaveLength(3);
    expect(standIn.getMessage(message.id)?.content).toBe('c');
  });

  it('announced rate limits send X-RateLimit headers on every response, and discord.js waits instead of hitting 429', async () => {
    const editsOf = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.includes('/messages/');
    const { standIn, client } = await connect({ rateLimits: [{ bucket: 'edits', matches: editsOf, limit: 2, windowMs: 600 }] });
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const message = await channel.send('v0');
    const url = `${standIn.apiUrl}/v10/channels/${standIn.channelId}/messages/${message.id}`;
    const raw = await fetch(url, { method: 'PATCH', headers: { Authorization: 'Bot test-token', 'Content-Type': 'application/json' }, body: '{"content":"raw"}' });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('x-ratelimit-limit')).toBe('2');
    expect(raw.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(raw.headers.get('x-ratelimit-bucket')).toBe('edits');
    expect(Number(raw.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    const before = standIn.requests.length;
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((content) => message.edit(content)));
    const edits = standIn.requests.slice(before).filter(editsOf);
    expect(edits.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(standIn.getMessage(message.id)?.content).toBe('e');
  });

  it('refuses to post where the bot lacks permissions: 403 / 50013 (Send Messages, Read Message History), 50001 (View)', async () => {
    const { standIn, client } = await connect({
      extraChannels: ['no-history', 'hidden'],
      botDeniedInChannel: {
        newsroom: PermissionFlagsBits.SendMessages,
        'no-history': PermissionFlagsBits.ReadMessageHistory,
        hidden: PermissionFlagsBits.ViewChannel,
      },
    });
    const newsroom = client.channels.cache.get(standIn.channelId) as TextChannel;
    const noHistory = client.channels.cache.get(standIn.channelIdOf('no-history')) as TextChannel;
    // discord.js sees the overwrites too, so a careful bot can check before it tries.
    expect(newsroom.permissionsFor(client.user!)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    expect(noHistory.permissionsFor(client.user!)?.has(PermissionFlagsBits.SendMessages)).toBe(true);

    const denied = await expectDiscordError(newsroom.send('hello'), 403, 50013);
    expect(denied.rawError).toEqual({ message: 'Missing Permissions', code: 50013 });
    await expectDiscordError(newsroom.sendTyping(), 403, 50013);

    // Without Read Message History a plain message goes through, a reply does not.
    const question = standIn.sendMessage({ content: 'a question', channelId: noHistory.id });
    await expect(noHistory.send('plain')).resolves.toBeDefined();
    const reply = client.rest.post(Routes.channelMessages(noHistory.id), {
      body: { content: 'reply', message_reference: { message_id: question.id } },
    });
    await expectDiscordError(reply, 403, 50013);
    await expectDiscordError(client.rest.post(Routes.channelMessages(standIn.channelIdOf('hidden')), { body: { content: 'x' } }), 403, 50001);

    // Interaction responses are webhooks: they need no Send Messages, and app_permissions says what is missing.
    const seen = nextInteraction(client);
    standIn.sendSlashCommand({ name: 'help' });
    const interaction = await seen;
    expect(interaction.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(false);
    await expect(interaction.reply({ content: 'still works' })).resolves.toBeDefined();
  });

  it('closes the gateway with 4014 when the bot asks for Message Content and the application has not enabled it', async () => {
    standIn = await startDiscordStandIn(); // a new application: no privileged intent enabled
    client = new Client({ intents: DEFAULT_INTENTS, rest: { api: standIn.apiUrl } });
    const disconnected = once(client, Events.ShardDisconnect);
    await expect(client.login('test-token')).rejects.toThrow(/disallowed intents/i);
    const [event] = (await disconnected) as [{ code: number }];
    expect(event.code).toBe(4014);
    expect(standIn.identifies).toHaveLength(1);
    expect(standIn.identifies[0].intents & GatewayIntentBits.MessageContent).toBeTruthy();
    await client.destroy();

    // The same application without the privileged intent connects.
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: standIn.apiUrl } });
    const ready = once(client, Events.ClientReady);
    await client.login('test-token');
    await ready;
    expect(standIn.identifies).toHaveLength(2);
  });

  it('answers unknown routes with a recorded 404', async () => {
    const { standIn, client } = await connect();
    await expectDiscordError(client.rest.get('/nonexistent/route'), 404, 0);
    expect(standIn.requests.at(-1)).toMatchObject({ method: 'GET', path: '/nonexistent/route', status: 404 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Message components: Discord's checks on `components`, MESSAGE_COMPONENT clicks, UPDATE_MESSAGE (7) and
// DEFERRED_UPDATE_MESSAGE (6). Clicks Discord could not deliver are refused.
// ---------------------------------------------------------------------------------------------------------------

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
const button = (customId: string, extra: object = {}) => ({
  type: ComponentType.Button,
  style: ButtonStyle.Secondary,
  custom_id: customId,
  label: customId.slice(0, 80),
  ...extra,
});
const row = (...components: object[]) => ({ type: ComponentType.ActionRow, components }) as Row;
const link = (extra: object = {}) => ({ type: ComponentType.Button, style: ButtonStyle.Link, url: 'https://example.org', label: 'l', ...extra });
const select = (customId: string) => ({ type: ComponentType.StringSelect, custom_id: customId, options: [{ label: 'o', value: 'o' }] });
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A message with `components` in the stand-in's channel, a click on `customId`, and the client's interaction. */
async function clickOn(components: Row[], customId: string, user?: APIUser) {
  const { standIn, client } = await connect();
  const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
  const message = await channel.send({ content: 'vote', components });
  const clicked = nextEvent(client, Events.InteractionCreate, (i): i is ButtonInteraction => (i as Interaction).isButton());
  const sent = standIn.sendComponentClick({ messageId: message.id, customId, user });
  return { standIn, client, message, sent, interaction: await clicked };
}

describe('message components', () => {
  it('keeps valid action rows of buttons on the message', async () => {
    const { standIn, client } = await connect();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const components = [row(button('a'), button('b', { label: undefined, emoji: { name: '👍' } })), row(link())];
    const message = await channel.send({ content: 'with buttons', components });
    expect(standIn.getMessage(message.id)?.components).toEqual(asJson(components));
    expect(message.components).toHaveLength(2);
  });

  it.each([
    // Checked by the stand-in's own rules (the OpenAPI description cannot express them).
    ['six rows', Array.from({ length: 6 }, (_, i) => row(button(`r${i}`))), /"components":\{"_errors":\[\{"code":"BASE_TYPE_MAX_LENGTH"/],
    ['a duplicated custom_id', [row(button('same')), row(button('same'))], /COMPONENT_CUSTOM_ID_DUPLICATED/],
    ['a button with neither label nor emoji', [row(button('a', { label: undefined }))], /BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED/],
    ['a button without a custom_id', [row(button('a', { custom_id: undefined }))], /"custom_id":\{"_errors":\[\{"code":"BASE_TYPE_REQUIRED"/],
    ['a link button with a custom_id', [row(link({ custom_id: 'x' }))], /BUTTON_COMPONENT_CUSTOM_ID_FORBIDDEN/],
    ['a link button without a url', [row(link({ url: undefined }))], /"url":\{"_errors":\[\{"code":"BASE_TYPE_REQUIRED"/],
    ['a url on a button that is not a link', [row(button('a', { url: 'https://example.org' }))], /BUTTON_COMPONENT_URL_FORBIDDEN/],
    ['a select menu beside a button', [row(button('a'), select('s'))], /COMPONENT_LAYOUT_WIDTH_EXCEEDED/],
    ['two select menus in a row', [row(select('s'), select('t'))], /COMPONENT_LAYOUT_WIDTH_EXCEEDED/],
    // Checked against Discord's OpenAPI description.
    ['six buttons in a row', [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))], /UNION_TYPE_CHOICES/],
    ['an empty row', [row()], /"components":\{"_errors":\[\{"code":"BASE_TYPE_MIN_LENGTH"/],
    ['a custom_id of 101 characters', [row(button('x'.repeat(101)))], /"custom_id":\{"_errors":\[\{"code":"BASE_TYPE_MAX_LENGTH"/],
    ['a label of 81 characters', [row(button('a', { label: 'l'.repeat(81) }))], /"label":\{"_errors":\[\{"code":"BASE_TYPE_MAX_LENGTH"/],
    ['a button outside an action row', [button('loose')], /UNION_TYPE_CHOICES/],
    ['an unknown button style', [row(button('a', { style: 9 }))], /UNION_TYPE_CHOICES/],
  ])('refuses %s with 400 Invalid Form Body', async (_, components, errors) => {
    const { standIn, client } = await connect();
    const post = client.rest.post(Routes.channelMessages(standIn.channelId), { body: { content: 'x', components } });
    const error = await expectDiscordError(post, 400, 50035);
    expect(JSON.stringify(error.rawError)).toMatch(errors);
  });

  it('delivers a click with its message, custom id and user; UPDATE_MESSAGE edits only what it carries', async () => {
    const { standIn, client, message, sent, interaction } = await clickOn([row(button('up'), button('down'))], 'down', undefined);
    expect(interaction.customId).toBe('down');
    expect(interaction.message.id).toBe(message.id);
    expect(interaction.user.id).toBe(standIn.users.regular.id);
    expect(interaction.guildId).toBe(standIn.guildId);

    await interaction.update({ components: [row(button('up'), button('down', { label: 'down 1' }))] });
    const callback = await standIn.waitForRequest(isRequest('POST', `/interactions/${sent.id}/${sent.token}/callback`));
    expect(callback.status).toBe(204);
    expect((callback.body as { type: number }).type).toBe(InteractionResponseType.UpdateMessage);
    const stored = standIn.getMessage(message.id)!;
    expect(stored.content).toBe('vote');
    expect((stored.components?.[0] as Row).components.map((b) => ('label' in b ? b.label : undefined))).toEqual(['up', 'down 1']);
    expect(stored.edited_timestamp).not.toBeNull();
    expect(standIn.getInteraction(sent.id)?.originalMessageId).toBe(message.id);
    // A second acknowledgement is refused (discord.js would not even send it), as for any interaction.
    const again = { type: InteractionResponseType.UpdateMessage, data: { content: 'again' } };
    await expectDiscordError(client.rest.post(Routes.interactionCallback(sent.id, sent.token), { body: again, auth: false }), 400, 40060);
    expect(standIn.getMessage(message.id)?.content).toBe('vote');
  });

  it('DEFERRED_UPDATE_MESSAGE, then an edit of @original, changes the clicked message', async () => {
    const { standIn, message, interaction } = await clickOn([row(button('go'))], 'go');
    await interaction.deferUpdate();
    expect(standIn.getMessage(message.id)?.content).toBe('vote');
    await interaction.editReply({ content: 'after' });
    expect(standIn.getMessage(message.id)?.content).toBe('after');
  });

  it('an UPDATE_MESSAGE with invalid components is refused and changes nothing', async () => {
    const { standIn, message, interaction } = await clickOn([row(button('up'))], 'up');
    await expectDiscordError(interaction.update({ components: [row(button('x'.repeat(101)))] }), 400, 50035);
    expect(standIn.getMessage(message.id)?.components).toEqual([asJson(row(button('up')))]);
  });

  it('refuses clicks Discord could not deliver: no such component, a disabled one, another user’s ephemeral message', async () => {
    const { standIn, client } = await connect();
    const channel = client.channels.cache.get(standIn.channelId) as TextChannel;
    const message = await channel.send({ content: 'x', components: [row(button('on'), button('off', { disabled: true }))] });
    expect(() => standIn.sendComponentClick({ messageId: message.id, customId: 'missing' })).toThrow(/has no component with custom_id "missing"/);
    expect(() => standIn.sendComponentClick({ messageId: message.id, customId: 'off' })).toThrow(/is disabled/);
    const plain = await channel.send('no components');
    expect(() => standIn.sendComponentClick({ messageId: plain.id, customId: 'on' })).toThrow(/has no component/);

    // An ephemeral reply with a button: only the user who ran the command sees it, so only they can click.
    const command = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'private', user: standIn.users.moderator });
    await (await command).reply({ content: 'only you', components: [row(button('mine'))], flags: MessageFlags.Ephemeral });
    const ephemeralId = standIn.getInteraction(sent.id)!.originalMessageId!;
    expect(() => standIn.sendComponentClick({ messageId: ephemeralId, customId: 'mine' })).toThrow(/only its recipient/);
    expect(() => standIn.sendComponentClick({ messageId: ephemeralId, customId: 'mine', user: standIn.users.moderator })).not.toThrow();
  });

  it('a slash command cannot be answered with UPDATE_MESSAGE', async () => {
    const { standIn, client } = await connect();
    const command = nextInteraction(client);
    const sent = standIn.sendSlashCommand({ name: 'anything' });
    await command;
    const body = { type: InteractionResponseType.UpdateMessage, data: { content: 'x' } };
    await expectDiscordError(client.rest.post(Routes.interactionCallback(sent.id, sent.token), { body, auth: false }), 400, 50035);
  });
});
