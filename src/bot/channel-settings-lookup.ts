import type { Channel } from 'discord.js';
import { DEFAULT_K } from '../answer/answer.js';
import { effectiveSettings, type ChannelSettings } from '../settings/channel-settings.js';
import type { BotContext } from './context.js';

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
