/**
 * Channels for the Discord stand-in: channel types besides text, channel options of slash commands (with the
 * `resolved` data Discord always sends for them), subcommands, and a second server the bot is in. Kept apart from
 * the stand-in's transport code; `discord-stand-in.ts` calls these from small hooks.
 *
 * As Discord does: a channel option's value is the channel id and `data.resolved.channels[id]` holds a partial
 * channel with the invoking member's permissions there; a message posted to a channel that holds no messages (a
 * category, a forum) is refused with 400 / 50008 "Cannot send messages in a non-text channel".
 */
import {
  ApplicationCommandOptionType,
  ChannelType,
  GatewayDispatchEvents,
  Locale,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteractionDataResolvedChannel,
  type APIInteractionDataResolved,
  type APITextChannel,
  type ChannelFlags,
} from 'discord.js';

/** Channel types that cannot hold messages of their own (their threads or children do). */
const NO_MESSAGES = new Set<ChannelType>([ChannelType.GuildCategory, ChannelType.GuildForum, ChannelType.GuildMedia, ChannelType.GuildDirectory]);

/** The refusal Discord gives for POST /channels/:id/messages in a channel without messages; null elsewhere. */
export function nonTextChannelRefusal(channel: { type: ChannelType }): { status: number; code: number; message: string } | null {
  return NO_MESSAGES.has(channel.type) ? { status: 400, code: 50008, message: 'Cannot send messages in a non-text channel' } : null;
}

/**
 * A guild channel of `type` in the shape the gateway sends it. Voice and stage channels carry bitrate and user
 * limit; a category has no topic or slow mode. (The stand-in's text channel is the starting point.)
 */
export function channelOfType(text: APITextChannel, type: ChannelType): APITextChannel {
  if (type === ChannelType.GuildText) return text;
  const { topic: _topic, last_message_id: _last, rate_limit_per_user: _slow, nsfw: _nsfw, ...common } = text;
  if (type === ChannelType.GuildCategory) return { ...common, type } as unknown as APITextChannel;
  if (type === ChannelType.GuildVoice || type === ChannelType.GuildStageVoice) {
    return { ...common, type, bitrate: 64_000, user_limit: 0, rtc_region: null } as unknown as APITextChannel;
  }
  return { ...text, type } as unknown as APITextChannel;
}

/** The options a subcommand declares, or the command's own when no subcommand is named. */
export function declaredOptions(command: APIApplicationCommand | undefined, subcommand: string | undefined): APIApplicationCommandOption[] | undefined {
  if (!subcommand) return command?.options;
  const declared = command?.options?.find((o) => o.name === subcommand && o.type === ApplicationCommandOptionType.Subcommand);
  if (command && !declared) throw new Error(`sendSlashCommand: /${command.name} has no subcommand ${subcommand}`);
  return declared && 'options' in declared ? (declared.options as APIApplicationCommandOption[] | undefined) : undefined;
}

/** A string value given for a declared channel option is that channel's id, typed as Discord types it. */
export function channelOptionValue(name: string, value: unknown, declared: APIApplicationCommandOption | undefined): APIApplicationCommandInteractionDataOption | null {
  if (declared?.type !== ApplicationCommandOptionType.Channel || typeof value !== 'string') return null;
  return { name, type: ApplicationCommandOptionType.Channel, value };
}

/** The options as Discord nests them under a subcommand. */
export function inSubcommand(subcommand: string | undefined, options: APIApplicationCommandInteractionDataOption[]): APIApplicationCommandInteractionDataOption[] {
  if (!subcommand) return options;
  return [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options } as APIApplicationCommandInteractionDataOption];
}

/** What Discord resolves for the channel options among `options` (nested ones included); undefined when none. */
export function resolvedChannels(
  options: APIApplicationCommandInteractionDataOption[],
  lookup: (id: string) => { channel: APITextChannel; permissions: bigint } | undefined,
): APIInteractionDataResolved | undefined {
  const channels: Record<string, APIInteractionDataResolvedChannel> = {};
  const visit = (list: APIApplicationCommandInteractionDataOption[]) => {
    for (const option of list) {
      if ('options' in option && option.options) visit(option.options as APIApplicationCommandInteractionDataOption[]);
      if (option.type !== ApplicationCommandOptionType.Channel) continue;
      const found = lookup(String(option.value));
      if (!found) continue; // Discord only lets members pick channels that exist; a forged id resolves to nothing
      const { channel, permissions } = found;
      channels[channel.id] = {
        id: channel.id,
        name: channel.name,
        type: channel.type,
        permissions: permissions.toString(),
        parent_id: channel.parent_id ?? null,
        flags: channel.flags,
      } as APIInteractionDataResolvedChannel;
    }
  };
  visit(options);
  return Object.keys(channels).length ? { channels } : undefined;
}

/**
 * Another server the bot is in, with one text channel the bot may use: sent as GUILD_CREATE, as Discord does when
 * the bot joins a server. Its ids are fresh; the REST side of the stand-in knows nothing of it, so the bot must
 * never need to call Discord about it.
 */
export function joinOtherGuild(
  standIn: { dispatch(event: string, data: unknown): number; botUser: { id: string; username: string } },
  ids: { guildId: string; channelId: string; roleId: string },
): void {
  const { guildId, channelId } = ids;
  standIn.dispatch(GatewayDispatchEvents.GuildCreate, {
    id: guildId,
    name: 'Another Server',
    icon: null,
    owner_id: '100000000000000001',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{ id: guildId, name: '@everyone', permissions: String(1024n | 2048n | 65536n | 16384n), position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 1,
    voice_states: [],
    members: [{ user: { id: standIn.botUser.id, username: standIn.botUser.username, discriminator: '0', global_name: null, avatar: null, bot: true }, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 }],
    channels: [{ id: channelId, type: ChannelType.GuildText, guild_id: guildId, name: 'elsewhere', position: 0, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0 as ChannelFlags }],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    stickers: [],
    soundboard_sounds: [],
  });
}
