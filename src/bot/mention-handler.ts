import { PermissionFlagsBits, type Message } from 'discord.js';
import { answerForDiscord, checkQuestion } from './ask-flow.js';
import { settingsWhereAsked } from './channel-settings-lookup.js';
import { NO_PINGS, type BotContext } from './context.js';
import { findEarlierExchange } from './conversation.js';
import { answerInThread } from './answer-in-thread.js';

export const MENTION_HINT = 'Ask me something after the mention, e.g. `@me what did Lavrov say about a ceasefire?` — or use `/ask`.';

/**
 * Answers a message that mentions the bot, replies to one of its messages, or is in a configured answer channel,
 * with a reply. A reply to one of the bot's answers, or a mention in a thread that holds one, is a follow-up to it
 * (conversation.ts finds the earlier question through the API). Discord delivers a reply's text to a bot without the
 * Message Content intent only when the reply pings the bot (the default); otherwise the text arrives empty and
 * there is nothing to answer.
 */
export async function handleMessage(message: Message, context: BotContext): Promise<void> {
  const botId = message.client.user.id;
  if (message.author.bot || message.system) return;
  const mentionPattern = new RegExp(`<@!?${botId}>`, 'g');
  const mentioned = mentionPattern.test(message.content);
  // discord.js takes the replied-to author from the reference Discord sends with the message.
  const repliesToBot = message.reference !== null && message.mentions.repliedUser?.id === botId;
  // Without the Message Content intent, other messages arrive without text: nothing to read, no settings to look up.
  if (!mentioned && !message.content.trim()) return;
  const settings = settingsWhereAsked(context, { guildId: message.guildId, channelId: message.channelId, channel: message.channel });
  // "off": not even a hint; a moderator chose silence here.
  if (settings.mode === 'off' || (!mentioned && !repliesToBot && settings.mode !== 'all')) return;
  const missing = missingReplyPermissions(message);
  if (missing.length) {
    // Answering would only earn a 403 from Discord; the operator needs to know, the asker cannot be told.
    context.logger.warn({ channel: message.channelId, message: message.id, missing }, 'cannot answer in this channel: missing permissions');
    return;
  }

  const raw = message.content.replace(mentionPattern, ' ').trim();
  if (!raw) {
    if (mentioned) await message.reply({ content: MENTION_HINT, allowedMentions: NO_PINGS });
    return;
  }
  const check = checkQuestion(context, message.author.id, raw);
  if (!check.ok) {
    await message.reply({ content: check.reason, allowedMentions: NO_PINGS });
    return;
  }
  if ('sendTyping' in message.channel) await message.channel.sendTyping().catch(() => {});
  const earlier = await findEarlierExchange(message, context);
  const asker = { userId: message.author.id, guildId: message.guildId, channelId: message.channelId };
  const reply = await answerForDiscord(context, check.question, asker, settings.citations, {}, earlier?.question ?? null);
  // A channel set to answer in threads gets one line per question; inside a thread the answer stays there.
  if (settings.threads && !message.channel.isThread() && (await answerInThread(context, message, check.question, reply))) return;
  await message.reply({ ...reply, allowedMentions: NO_PINGS });
}

/** Permissions the bot lacks to reply here (a reply needs Read Message History besides sending), by name. */
function missingReplyPermissions(message: Message): string[] {
  if (!message.inGuild()) return [];
  const me = message.guild.members.me;
  const permissions = me ? message.channel.permissionsFor(me) : null;
  if (!permissions) return []; // not cached: try, and let the error handler log a refusal
  const send = message.channel.isThread() ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  return permissions.missing([PermissionFlagsBits.ViewChannel, send, PermissionFlagsBits.ReadMessageHistory]);
}
