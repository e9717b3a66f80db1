import {
  ChannelType,
  DiscordAPIError,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  type Channel,
  type Message,
  type MessageCreateOptions,
  type PermissionsBitField,
  type ThreadChannel,
} from 'discord.js';
import { keepStart } from '../text/cut.js';
import { NO_PINGS, type BotContext } from './context.js';

/** Discord's limit on a thread's name. */
export const THREAD_NAME_MAX_CHARS = 100;
/** Channel types whose messages can start a public thread. */
const THREADABLE = new Set<ChannelType>([ChannelType.GuildText, ChannelType.GuildAnnouncement]);
/** What the bot needs to start a thread from a message and answer in it. */
const THREAD_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads];

/** The thread's name: the question, cut at a word boundary to Discord's 100 characters. */
export function threadName(question: string): string {
  return keepStart(question, THREAD_NAME_MAX_CHARS);
}

/**
 * Why no thread can be started from a message in `channel`, in a few words for the log, or null when one can: the
 * channel type must have threads (not a thread itself, a DM, a voice or forum channel), and the bot needs Create
 * Public Threads and Send Messages in Threads there.
 */
export function threadRefusal(channel: Channel | null): string | null {
  if (!channel) return 'the channel is unknown to the bot';
  if (!THREADABLE.has(channel.type) || !('guild' in channel) || channel.isThread()) {
    return `threads cannot be started in a channel of type ${ChannelType[channel.type] ?? channel.type}`;
  }
  const me = channel.guild.members.me;
  const permissions: Readonly<PermissionsBitField> | null = me ? channel.permissionsFor(me) : null;
  const missing = permissions ? permissions.missing(THREAD_PERMISSIONS) : [];
  return missing.length ? `missing permissions: ${missing.join(', ')}` : null;
}

/**
 * Posts `reply` in a new public thread started from `starter` and named after `question`, so the channel keeps one
 * line per question and follow-ups happen in the thread. Returns the message posted in the thread, or null when no
 * thread could be started (the reason is logged): the caller then answers in place. Used by `/ask thread:true` and
 * for channels set to answer in threads.
 */
export async function answerInThread(
  context: BotContext,
  starter: Message,
  question: string,
  reply: Omit<MessageCreateOptions, 'allowedMentions'>,
): Promise<{ thread: ThreadChannel; message: Message } | null> {
  const refusal = threadRefusal(starter.channel);
  if (refusal) {
    context.logger.info({ channel: starter.channelId, message: starter.id, reason: refusal }, 'answered in place: no thread');
    return null;
  }
  let thread: ThreadChannel;
  try {
    thread = await starter.startThread({ name: threadName(question), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
  } catch (err) {
    // Permissions changed after the cache saw them, or someone started a thread from it first (160004).
    if (!(err instanceof DiscordAPIError)) throw err;
    context.logger.warn({ err, channel: starter.channelId, message: starter.id }, 'answered in place: Discord refused the thread');
    return null;
  }
  const message = await thread.send({ ...reply, allowedMentions: NO_PINGS });
  return { thread, message };
}
