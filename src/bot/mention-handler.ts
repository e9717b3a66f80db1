import { PermissionFlagsBits, type Message } from 'discord.js';
import { answerForDiscord, checkQuestion } from './ask-flow.js';
import { settingsWhereAsked } from './channel-settings-lookup.js';
import { NO_PINGS, type BotContext } from './context.js';

export const MENTION_HINT = 'Ask me something after the mention, e.g. `@me what did Lavrov say about a ceasefire?` — or use `/ask`.';

/**
 * Answers a message that mentions the bot (or any message in a configured answer channel) with a reply. Only an
 * explicit <@bot> in the text counts: a reply to the bot's own message also "mentions" it, but is not a question.
 */
export async function handleMessage(message: Message, context: BotContext): Promise<void> {
  const botId = message.client.user.id;
  if (message.author.bot || message.system) return;
  const mentionPattern = new RegExp(`<@!?${botId}>`, 'g');
  const mentioned = mentionPattern.test(message.content);
  // Without the Message Content intent, other messages arrive without text: nothing to read, no settings to look up.
  if (!mentioned && !message.content.trim()) return;
  const settings = settingsWhereAsked(context, { guildId: message.guildId, channelId: message.channelId, channel: message.channel });
  // "off": not even a hint; a moderator chose silence here.
  if (settings.mode === 'off' || (!mentioned && settings.mode !== 'all')) return;
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
  const asker = { userId: message.author.id, guildId: message.guildId, channelId: message.channelId };
  const reply = await answerForDiscord(context, check.question, asker, settings.citations);
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
