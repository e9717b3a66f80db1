import { MessageFlags, type Channel, type ChatInputCommandInteraction } from 'discord.js';
import { DEFAULT_K } from '../answer/answer.js';
import { effectiveSettings, type ChannelSettings } from '../settings/channel-settings.js';
import { NO_PINGS, type BotContext } from './context.js';

/** Where a question was asked: its server and channel (the cached channel when discord.js has it). */
export interface AskedIn {
  guildId: string | null;
  channelId: string;
  channel: Channel | null;
}

/**
 * The settings that apply where a question was asked. A thread follows its parent channel's settings: moderators
 * choose per channel, and threads come and go (the bot opens one per answer when `threads` is on). Outside a
 * server (a DM) only the defaults apply.
 */
export function settingsWhereAsked(context: BotContext, where: AskedIn): ChannelSettings {
  const channelId = where.channel?.isThread() ? (where.channel.parentId ?? where.channelId) : where.channelId;
  const chosen = where.guildId ? context.settings.lookup(where.guildId, channelId) : null;
  return effectiveSettings(channelId, chosen, { answerChannelIds: context.config.answerChannelIds, citations: DEFAULT_K });
}

/** A slash command that would answer publicly in a channel a moderator set to "off". */
export const ANSWERS_OFF = 'Answers are off in this channel; ask in another one.';

/**
 * The settings where a slash command that answers publicly (/ask, /timeline) was used; null after refusing it
 * privately where answers are off: its answer would be a public message in the channel `off` keeps the bot out
 * of. Done before the rate limit, so the refusal does not count against the asker.
 */
export async function settingsOrRefuseWhereOff(interaction: ChatInputCommandInteraction, context: BotContext): Promise<ChannelSettings | null> {
  const settings = settingsWhereAsked(context, { guildId: interaction.guildId, channelId: interaction.channelId, channel: interaction.channel });
  if (settings.mode !== 'off') return settings;
  context.logger.info({ user: interaction.user.id, channel: interaction.channelId, command: interaction.commandName }, 'refused: answers are off in this channel');
  await interaction.reply({ content: ANSWERS_OFF, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  return null;
}
