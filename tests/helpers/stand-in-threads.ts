/**
 * Threads and message history for the Discord stand-in, kept apart from its transport code; `discord-stand-in.ts`
 * calls these through a few hooks. What is modelled (Discord docs, "Threads", "Channel" resource):
 *
 * - `POST /channels/:channel/messages/:message/threads` starts a public thread (type 11) from a message. The body
 *   is checked against the API's schema first (name 1–100 characters, auto_archive_duration one of 60/1440/4320/
 *   10080: 400 / 50035). Then: a thread cannot start a thread (400 / 50024), the bot needs View Channel (403 / 50001)
 *   and Create Public Threads (403 / 50013) in the parent, the message must exist in that channel (404 / 10008), and
 *   one message starts at most one thread (400 / 160004). The thread's id is the message's id; the message gets a
 *   `thread` field and the HAS_THREAD flag; THREAD_CREATE (`newly_created`) goes out over the gateway. The thread's
 *   first message is a THREAD_STARTER_MESSAGE (type 21) referencing the message it was started from.
 * - A thread has its parent's permission overwrites; sending in it needs Send Messages in Threads, not Send Messages.
 * - `GET /channels/:channel/messages?limit&before&after`: newest first, `limit` 1–100 (default 50; otherwise 400 /
 *   50035), never an ephemeral message; without Read Message History the list is empty (Discord's documented
 *   behaviour), without View Channel 403 / 50001.
 * - A reply (`message_reference`) must reference a message of the same channel, and not a system message (400 /
 *   50035 on `message_reference`, as Discord answers).
 * - Threads are not in `GET /guilds/:guild/channels` nor in GUILD_CREATE's `channels`, but active ones are in its
 *   `threads`, so a client that reconnects (or a restarted bot) knows them.
 */
import { ChannelType, GatewayDispatchEvents, type ChannelFlags, MessageFlags, MessageType, PermissionFlagsBits, type APIMessage, type APIThreadChannel, type APIUser } from 'discord.js';

/** The stand-in's view of a channel: a text channel, or a thread (which has `thread_metadata`). */
export interface ChannelLike {
  id: string;
  type: ChannelType;
  parent_id?: string | null;
}

export interface ThreadWorld {
  readonly guildId: string;
  readonly botUser: APIUser;
  readonly channels: Map<string, ChannelLike>;
  readonly messages: Map<string, { message: APIMessage; ephemeral: boolean; interactionId: string | null }>;
  botPermissionsIn(channelId: string): bigint;
  /** An empty message by `author` in the channel, with a fresh id. */
  newMessage(channelId: string, author: APIUser): APIMessage;
  /** Sends a dispatch to every identified session (after the response, like Discord). */
  broadcast(event: string, data: unknown): void;
}

/** Structurally the stand-in's RouteResult. */
export interface ThreadRouteResult {
  status: number;
  body?: unknown;
  after?: () => void;
}

const THREAD_TYPES = new Set([ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread]);
/** Channel types whose messages can start a thread. */
const THREADABLE = new Set([ChannelType.GuildText, ChannelType.GuildAnnouncement]);
const DEFAULT_HISTORY_LIMIT = 50;
const MAX_HISTORY_LIMIT = 100;
const DEFAULT_AUTO_ARCHIVE_MINUTES = 4320;

function error(status: number, code: number, message: string, errors?: unknown): ThreadRouteResult {
  return { status, body: errors ? { code, message, errors } : { code, message } };
}

export function isThread(channel: ChannelLike | undefined): boolean {
  return channel !== undefined && THREAD_TYPES.has(channel.type);
}

/** The channel whose permission overwrites apply: a thread's parent, otherwise the channel itself. */
export function overwriteSourceId(channels: Map<string, ChannelLike>, channelId: string): string {
  const channel = channels.get(channelId);
  return isThread(channel) && channel?.parent_id ? channel.parent_id : channelId;
}

/** The permission a bot needs to post in this channel. */
export function sendPermissionFor(channel: ChannelLike | undefined): bigint {
  return isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
}

/** Channels as `GET /guilds/:id/channels` and GUILD_CREATE's `channels` list them: threads are listed apart. */
export function guildChannels<T extends ChannelLike>(channels: Iterable<T>): T[] {
  return [...channels].filter((c) => !isThread(c));
}

export function activeThreads<T extends ChannelLike>(channels: Iterable<T>): T[] {
  return [...channels].filter((c) => isThread(c));
}

interface StartThreadBody {
  name: string;
  auto_archive_duration?: number | null;
  rate_limit_per_user?: number | null;
}

/**
 * `POST /channels/:channel/messages/:message/threads` by `creator` (the bot through REST, or a member in a test).
 * The body has passed the API schema; `checkPermissions` is false for a member (the stand-in's members may).
 */
export function startThreadFromMessage(
  world: ThreadWorld,
  channelId: string,
  messageId: string,
  rawBody: unknown,
  creator: APIUser = world.botUser,
  checkPermissions = true,
): ThreadRouteResult {
  const parent = world.channels.get(channelId);
  if (!parent) return error(404, 10003, 'Unknown Channel');
  if (!THREADABLE.has(parent.type)) return error(400, 50024, 'Cannot execute action on this channel type');
  if (checkPermissions) {
    const permissions = world.botPermissionsIn(channelId);
    if ((permissions & PermissionFlagsBits.ViewChannel) === 0n) return error(403, 50001, 'Missing Access');
    if ((permissions & PermissionFlagsBits.CreatePublicThreads) === 0n) return error(403, 50013, 'Missing Permissions');
  }
  const stored = world.messages.get(messageId);
  if (!stored || stored.ephemeral || stored.message.channel_id !== channelId) return error(404, 10008, 'Unknown Message');
  if (world.channels.has(messageId)) return error(400, 160004, 'A thread has already been created for this message');

  const body = rawBody as StartThreadBody;
  const now = new Date().toISOString();
  const thread: APIThreadChannel = {
    id: messageId,
    type: ChannelType.PublicThread,
    guild_id: world.guildId,
    parent_id: channelId,
    owner_id: creator.id,
    name: body.name,
    last_message_id: null,
    rate_limit_per_user: body.rate_limit_per_user ?? 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0 as ChannelFlags,
    thread_metadata: {
      archived: false,
      auto_archive_duration: body.auto_archive_duration ?? DEFAULT_AUTO_ARCHIVE_MINUTES,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
    },
  } as APIThreadChannel;
  world.channels.set(thread.id, thread);
  stored.message = { ...stored.message, thread, flags: ((stored.message.flags ?? 0) | MessageFlags.HasThread) as MessageFlags };
  const starter: APIMessage = {
    ...world.newMessage(thread.id, stored.message.author),
    type: MessageType.ThreadStarterMessage,
    message_reference: { type: 0, message_id: messageId, channel_id: channelId, guild_id: world.guildId },
    referenced_message: stored.message,
  };

  world.messages.set(starter.id, { message: starter, ephemeral: false, interactionId: null });
  return { status: 201, body: thread, after: () => world.broadcast(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true }) };
}

/** `GET /channels/:channel/messages`: newest first, `before` / `after` exclusive, `limit` 1–100. */
export function listChannelMessages(world: ThreadWorld, channelId: string, query: Record<string, string>): ThreadRouteResult {
  if (!world.channels.has(channelId)) return error(404, 10003, 'Unknown Channel');
  const limit = query.limit === undefined ? DEFAULT_HISTORY_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
    const [code, message] =
      !Number.isInteger(limit) ? ['NUMBER_TYPE_COERCE', `Value "${query.limit}" is not int.`]
      : limit < 1 ? ['NUMBER_TYPE_MIN', 'int value should be greater than or equal to 1.']
      : ['NUMBER_TYPE_MAX', `int value should be less than or equal to ${MAX_HISTORY_LIMIT}.`];
    return error(400, 50035, 'Invalid Form Body', { limit: { _errors: [{ code, message }] } });
  }
  for (const key of ['before', 'after'] as const) {
    if (query[key] !== undefined && !/^\d{1,20}$/.test(query[key])) {
      return error(400, 50035, 'Invalid Form Body', { [key]: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${query[key]}" is not snowflake.` }] } });
    }
  }
  const permissions = world.botPermissionsIn(channelId);
  if ((permissions & PermissionFlagsBits.ViewChannel) === 0n) return error(403, 50001, 'Missing Access');
  if ((permissions & PermissionFlagsBits.ReadMessageHistory) === 0n) return { status: 200, body: [] };
  const before = query.before === undefined ? null : BigInt(query.before);
  const after = query.after === undefined ? null : BigInt(query.after);
  const list = [...world.messages.values()]
    .filter((s) => !s.ephemeral && s.message.channel_id === channelId)
    .map((s) => s.message)
    .filter((m) => (before === null || BigInt(m.id) < before) && (after === null || BigInt(m.id) > after))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  // With `after`, Discord returns the messages just after it (still newest first).
  const page = after !== null && before === null ? list.slice(-limit) : list.slice(0, limit);
  return { status: 200, body: page };
}

/** A reply whose message was deleted: Discord keeps the reference and sends `referenced_message: null`. */
export function replyToDeletedFields(messageId: string, channelId: string, guildId: string): Pick<APIMessage, 'message_reference' | 'referenced_message'> {
  return { message_reference: { type: 0, message_id: messageId, channel_id: channelId, guild_id: guildId }, referenced_message: null };
}

/** Message types a reply may reference: everything else is a system message. */
const REPLYABLE = new Set([MessageType.Default, MessageType.Reply, MessageType.ChatInputCommand, MessageType.ContextMenuCommand]);

/** Why Discord refuses a reply to `repliedTo` posted in `channelId` (a form error on `message_reference`), or null. */
export function replyRefusal(repliedTo: APIMessage, channelId: string): { code: string; message: string } | null {
  if (repliedTo.channel_id !== channelId) return { code: 'REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL', message: 'Cannot reply to a message in a different channel' };
  if (!REPLYABLE.has(repliedTo.type)) return { code: 'REPLIES_CANNOT_REFERENCE_SYSTEM_MESSAGE', message: 'Cannot reply to a system message' };
  return null;
}
