import {
  ChannelType,
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type Guild,
  type GuildBasedChannel,
  type PermissionResolvable,
} from 'discord.js';
import type { AnswerMode } from '../settings/channel-settings.js';

/** Channels settings apply to: those where members post questions and the bot answers. */
export const SETTABLE_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

export type ChannelLookup = { ok: true; channel: GuildBasedChannel } | { ok: false; reason: string };

/**
 * The channel an option names, if it is one of THIS server's text channels. The option's id is only as good as the
 * interaction that carried it, and discord.js files the interaction's `resolved` channel data into the server's
 * channel cache as it reads the interaction, so a forged id would pass a cache lookup: the channel is fetched from
 * Discord instead (one request), which answers for the channel as it is.
 */
export async function channelOfGuild(guild: Guild, channelId: string): Promise<ChannelLookup> {
  let channel: GuildBasedChannel | null;
  try {
    channel = await guild.channels.fetch(channelId, { force: true });
  } catch (err) {
    if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.MissingAccess) return { ok: false, reason: cannotSee(channelId) };
    const notHere =
      (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownChannel) ||
      (err instanceof DiscordjsError && err.code === DiscordjsErrorCodes.GuildChannelUnowned);
    if (!notHere) throw err;
    channel = null;
  }
  if (!channel || channel.guildId !== guild.id) return { ok: false, reason: 'That channel is not on this server.' };
  if (!(SETTABLE_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) {
    return { ok: false, reason: `Settings apply to text and announcement channels only; <#${channel.id}> is not one.` };
  }
  return { ok: true, channel };
}

const cannotSee = (channelId: string) => `I cannot see <#${channelId}>: give my role View Channel there first.`;

const PERMISSION_NAMES: Array<[bigint, string]> = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
];

/**
 * Why the bot could not answer in `channel` as `mode` and `threads` ask, in one sentence; null when it can. The bot's
 * permissions there come from discord.js, computed from the roles and channel overwrites the gateway reported.
 * A channel the bot cannot see is always refused (a setting nobody could check); `off` needs nothing more.
 */
export async function botPermissionProblem(channel: GuildBasedChannel, mode: AnswerMode, threads: boolean): Promise<string | null> {
  const me = channel.guild.members.me ?? (await channel.guild.members.fetchMe());
  const permissions = channel.permissionsFor(me);
  if (!permissions.has(PermissionFlagsBits.ViewChannel)) {
    return cannotSee(channel.id);
  }
  if (mode === 'off') return null;
  const needed: PermissionResolvable[] = [PermissionFlagsBits.SendMessages, PermissionFlagsBits.ReadMessageHistory, PermissionFlagsBits.EmbedLinks];
  if (threads) needed.push(PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads);
  const missing = PERMISSION_NAMES.filter(([flag]) => needed.includes(flag) && !permissions.has(flag)).map(([, name]) => name);
  if (!missing.length) return null;
  return `I cannot answer in <#${channel.id}>: my role lacks ${missing.join(', ')} there.`;
}
