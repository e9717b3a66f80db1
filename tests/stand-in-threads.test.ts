/**
 * The stand-in's threads, message history and replies, driven by a plain discord.js client (not the bot), refused
 * where Discord refuses.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  Routes,
  type Message,
  type TextChannel,
} from 'discord.js';
import { startDiscordStandIn, type DiscordStandIn, type DiscordStandInOptions } from './helpers/discord-stand-in.js';

/** What each test opened, closed after it (clients before the stand-in they talk to). */
const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

/** A logged-in plain client (Guilds + GuildMessages, no Message Content) of the stand-in. */
async function loggedIn(s: DiscordStandIn): Promise<Client> {
  const c = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: s.apiUrl } });
  opened.push({ close: () => c.destroy() });
  const ready = once(c, Events.ClientReady);
  await c.login('test-token');
  await ready;
  return c;
}

async function connect(options: DiscordStandInOptions = {}): Promise<{ standIn: DiscordStandIn; client: Client }> {
  const s = await startDiscordStandIn(options);
  opened.push(s);
  return { standIn: s, client: await loggedIn(s) };
}

async function expectDiscordError(promise: Promise<unknown>, status: number, code: number): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  expect((error as DiscordAPIError).status).toBe(status);
  expect((error as DiscordAPIError).code).toBe(code);
  return error as DiscordAPIError;
}

async function newsroom(c: Client, s: DiscordStandIn): Promise<TextChannel> {
  return (await c.channels.fetch(s.channelId)) as TextChannel;
}

describe('threads', () => {
  it('starts a public thread from a message: id = message id, parent, THREAD_CREATE, HAS_THREAD, a starter message; posts in it', async () => {
    const { standIn: s, client: c } = await connect();
    const channel = await newsroom(c, s);
    const message = await channel.send({ content: 'an answer' });
    const created = new Promise<{ id: string; newly_created?: boolean }>((resolve) =>
      c.on(Events.Raw, (packet: { t: string | null; d: { id: string; newly_created?: boolean } }) => packet.t === 'THREAD_CREATE' && resolve(packet.d)),
    );
    const thread = await message.startThread({ name: 'What did Lavrov say about Iran?' });
    expect(thread.id).toBe(message.id);
    expect(thread.type).toBe(ChannelType.PublicThread);
    expect(thread.parentId).toBe(s.channelId);
    expect(await created).toMatchObject({ id: thread.id, parent_id: s.channelId, newly_created: true });
    expect(s.getMessage(message.id)?.thread?.id).toBe(thread.id);
    expect((s.getMessage(message.id)?.flags ?? 0) & MessageFlags.HasThread).toBe(MessageFlags.HasThread);

    const inThread = await thread.send({ content: 'in the thread' });
    expect(inThread.channelId).toBe(thread.id);
    const history = await thread.messages.fetch({ limit: 10 });
    expect([...history.values()].map((m) => m.type)).toEqual([MessageType.Default, MessageType.ThreadStarterMessage]);
    expect(history.last()?.reference?.messageId).toBe(message.id);
    // Threads are not guild channels: the channel list leaves them out.
    const listed = (await c.rest.get(Routes.guildChannels(s.guildId))) as Array<{ id: string }>;
    expect(listed.map((ch) => ch.id)).not.toContain(thread.id);
  });

  it('refuses a second thread for a message (160004), a thread from a thread (50024), an unknown message (10008), a bad name (50035)', async () => {
    const { standIn: s, client: c } = await connect();
    const channel = await newsroom(c, s);
    const message = await channel.send({ content: 'an answer' });
    const thread = await message.startThread({ name: 'first' });
    await expectDiscordError(c.rest.post(Routes.threads(s.channelId, message.id), { body: { name: 'again' } }), 400, 160004);
    const inThread = await thread.send({ content: 'x' });
    await expectDiscordError(c.rest.post(Routes.threads(thread.id, inThread.id), { body: { name: 'nested' } }), 400, 50024);
    await expectDiscordError(c.rest.post(Routes.threads(s.channelId, '123456789012345678'), { body: { name: 'n' } }), 404, 10008);
    const other = await channel.send({ content: 'another' });
    for (const name of ['', 'x'.repeat(101)]) {
      await expectDiscordError(c.rest.post(Routes.threads(s.channelId, other.id), { body: { name } }), 400, 50035);
    }
    await expectDiscordError(c.rest.post(Routes.threads(s.channelId, other.id), { body: { name: 'n', auto_archive_duration: 5 } }), 400, 50035);
    // 100 characters is allowed.
    await expect(c.rest.post(Routes.threads(s.channelId, other.id), { body: { name: 'x'.repeat(100) } })).resolves.toMatchObject({ id: other.id });
  });

  it('needs Create Public Threads in the parent and Send Messages in Threads to post in one', async () => {
    const { standIn: s, client: c } = await connect({ extraChannels: ['locked'], botDeniedInChannel: { locked: PermissionFlagsBits.CreatePublicThreads } });
    const locked = (await c.channels.fetch(s.channelIdOf('locked'))) as TextChannel;
    const message = await locked.send({ content: 'x' });
    await expectDiscordError(message.startThread({ name: 'n' }), 403, 50013);
    const channel = await newsroom(c, s);
    const thread = await (await channel.send({ content: 'y' })).startThread({ name: 'n' });
    s.setBotDenied('newsroom', PermissionFlagsBits.SendMessagesInThreads);
    await expectDiscordError(thread.send({ content: 'z' }), 403, 50013);
    // Send Messages in Threads is not Send Messages: the channel itself still takes messages.
    await expect(channel.send({ content: 'still here' })).resolves.toBeDefined();
  });

  it('a member can start a thread from the bot’s message, and mention the bot in it; a restarted client knows the thread', async () => {
    const { standIn: s, client: c } = await connect();
    const channel = await newsroom(c, s);
    const answer = await channel.send({ content: 'an answer' });
    const thread = s.startThread({ messageId: answer.id, name: 'follow-ups' });
    expect(thread.owner_id).toBe(s.users.regular.id);
    await c.destroy();
    const restarted = await loggedIn(s);
    const received = new Promise<Message>((resolve) => restarted.on(Events.MessageCreate, (m) => m.author.id !== s.botUser.id && resolve(m)));
    s.sendMessage({ content: `<@${s.botUser.id}> and hamas?`, channelId: thread.id });
    const message = await received;
    expect(message.channel.isThread()).toBe(true);
    expect(message.content).toContain('and hamas?');
  });
});

describe('message history', () => {
  it('lists newest first, honours limit and before, and refuses a limit outside 1–100', async () => {
    const { standIn: s, client: c } = await connect();
    const channel = await newsroom(c, s);
    const sent: string[] = [];
    for (const n of [1, 2, 3, 4]) sent.push((await channel.send({ content: `m${n}` })).id);
    const page = await channel.messages.fetch({ limit: 2, before: sent[3] });
    expect([...page.values()].map((m) => m.content)).toEqual(['m3', 'm2']);
    for (const limit of [0, 101]) await expectDiscordError(c.rest.get(Routes.channelMessages(s.channelId), { query: new URLSearchParams({ limit: String(limit) }) }), 400, 50035);
  });

  it('is empty without Read Message History, refused without View Channel', async () => {
    const { standIn: s, client: c } = await connect();
    const channel = await newsroom(c, s);
    await channel.send({ content: 'm' });
    s.setBotDenied('newsroom', PermissionFlagsBits.ReadMessageHistory);
    expect(await c.rest.get(Routes.channelMessages(s.channelId))).toEqual([]);
    s.setBotDenied('newsroom', PermissionFlagsBits.ViewChannel);
    await expectDiscordError(c.rest.get(Routes.channelMessages(s.channelId)), 403, 50001);
  });

  it('a reply carries message_reference and referenced_message, in REST and in MESSAGE_CREATE; a reply to an unknown message is refused', async () => {
    const { standIn: s, client: c } = await connect();
    const channel = await newsroom(c, s);
    const answer = await channel.send({ content: 'an answer' });
    const received = new Promise<Message>((resolve) => c.on(Events.MessageCreate, (m) => m.author.id !== s.botUser.id && resolve(m)));
    const gateway = s.sendMessage({ content: `<@${s.botUser.id}> and iran?`, replyTo: answer.id });
    expect(gateway.message_reference?.message_id).toBe(answer.id);
    expect(gateway.referenced_message?.id).toBe(answer.id);
    const reply = await received;
    expect(reply.reference?.messageId).toBe(answer.id);
    expect((await reply.fetchReference()).content).toBe('an answer');
    await expectDiscordError(channel.send({ content: 'x', reply: { messageReference: '123456789012345678' } }), 400, 50035);
    // Only within the channel, and never to a system message (a thread's starter notice).
    const thread = await answer.startThread({ name: 't' });
    await expectDiscordError(thread.send({ content: 'x', reply: { messageReference: answer.id } }), 400, 50035);
    const [notice] = (await thread.messages.fetch({ limit: 1 })).values();
    expect(notice.type).toBe(MessageType.ThreadStarterMessage);
    await expectDiscordError(thread.send({ content: 'x', reply: { messageReference: notice.id } }), 400, 50035);
  });
});
