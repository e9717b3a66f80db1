import {
  GatewayIntentBits,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildBasedChannel,
} from 'discord.js';
import { DEFAULT_K } from '../../answer/answer.js';
import {
  changeProblem,
  describeSettings,
  effectiveSettings,
  isEmptyChange,
  MAX_CITATIONS,
  MIN_CITATIONS,
  type AnswerMode,
  type ChosenSettings,
  type SettingsDefaults,
  type StoredChannelSettings,
} from '../../settings/channel-settings.js';
import { NO_PINGS, type BotCommand, type BotContext } from '../context.js';
import { LIMITS, truncate } from '../discord-limits.js';
import { allowsMessageContent } from '../message-content-intent.js';
import { requireModerator } from '../permissions.js';
import { botPermissionProblem, channelOfGuild, SETTABLE_CHANNEL_TYPES } from '../settings-channel-check.js';

const EPHEMERAL = { flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;

export const SETTINGS_REPLIES = {
  unavailable: 'The settings database cannot be used right now, so nothing was changed; the details are in the bot’s log.',
  unreadable: 'The settings database cannot be read right now; the details are in the bot’s log.',
  intentDisabled:
    'Answering every message needs the Message Content intent: enable it in the Discord developer portal (Bot → Privileged Gateway Intents), then set the mode again.',
  afterRestart: 'Every message here is read as a question once the bot restarts: it asks Discord for message text only at start-up.',
} as const;

export const settingsCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription('Moderators: where and how the bot answers, per channel.')
    .addSubcommand((s) =>
      s
        .setName('set')
        .setDescription('Choose how the bot answers in a channel (options left out keep their value).')
        .addChannelOption((o) => o.setName('channel').setDescription('The channel').setRequired(true).addChannelTypes(...SETTABLE_CHANNEL_TYPES))
        .addStringOption((o) =>
          o
            .setName('mode')
            .setDescription('Which messages it answers')
            .addChoices(
              { name: 'mentions of the bot (default)', value: 'mentions' },
              { name: 'every message (needs the Message Content intent)', value: 'all' },
              { name: 'off: no answers in this channel', value: 'off' },
            ),
        )
        .addIntegerOption((o) =>
          o.setName('citations').setDescription(`Citations per answer (${MIN_CITATIONS}–${MAX_CITATIONS}, default ${DEFAULT_K})`).setMinValue(MIN_CITATIONS).setMaxValue(MAX_CITATIONS),
        )
        .addBooleanOption((o) => o.setName('threads').setDescription('Answer in a new thread')),
    )
    .addSubcommand((s) => s.setName('show').setDescription('The settings of this server’s channels.'))
    .addSubcommand((s) =>
      s
        .setName('reset')
        .setDescription('Back to the defaults for a channel.')
        .addChannelOption((o) => o.setName('channel').setDescription('The channel').setRequired(true).addChannelTypes(...SETTABLE_CHANNEL_TYPES)),
    )
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    if (!(await requireModerator(interaction, context, 'change the bot’s settings'))) return;
    const guild = interaction.guild ?? (await interaction.client.guilds.fetch(interaction.guildId!));
    const subcommand = interaction.options.getSubcommand();
    if (subcommand === 'show') return showSettings(interaction, context, guild);
    const channelId = String(interaction.options.get('channel', true).value);
    // Resetting touches only this server's own row for that id, whatever the id names: nothing to check, and a
    // channel the bot can no longer see can still be put back to the defaults.
    if (subcommand === 'reset') return resetSettings(interaction, context, channelId);
    const lookup = await channelOfGuild(guild, channelId);
    if (!lookup.ok) {
      context.logger.warn({ user: interaction.user.id, channel: channelId }, `/settings set refused: ${lookup.reason}`);
      await interaction.reply({ content: lookup.reason, ...EPHEMERAL });
      return;
    }
    return setSettings(interaction, context, lookup.channel);
  },
};

function defaults(context: BotContext): SettingsDefaults {
  return { answerChannelIds: context.config.answerChannelIds, citations: DEFAULT_K };
}

async function setSettings(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
  channel: GuildBasedChannel,
): Promise<void> {
  const change: ChosenSettings = {
    mode: (interaction.options.getString('mode') as AnswerMode | null) ?? null,
    citations: interaction.options.getInteger('citations'),
    threads: interaction.options.getBoolean('threads'),
  };
  const refuse = async (reason: string) => {
    context.logger.warn({ user: interaction.user.id, channel: channel.id, change }, `/settings set refused: ${reason}`);
    await interaction.reply({ content: reason, ...EPHEMERAL });
  };
  const invalid = changeProblem(change);
  if (invalid) return refuse(invalid);
  const before = context.settings.lookup(channel.guildId, channel.id);
  if (isEmptyChange(change)) {
    const current = effectiveSettings(channel.id, before, defaults(context));
    await interaction.reply({ content: `Nothing to change (give mode, citations or threads). <#${channel.id}>: ${describeSettings(current, before)}.`, ...EPHEMERAL });
    return;
  }
  const merged: ChosenSettings = {
    mode: change.mode ?? before?.mode ?? null,
    citations: change.citations ?? before?.citations ?? null,
    threads: change.threads ?? before?.threads ?? null,
  };
  const after = effectiveSettings(channel.id, merged, defaults(context));
  const permissionProblem = await botPermissionProblem(channel, after.mode, after.threads);
  if (permissionProblem) return refuse(permissionProblem);
  if (change.mode === 'all' && !allowsMessageContent(interaction.client.application.flags)) return refuse(SETTINGS_REPLIES.intentDisabled);

  const stored = context.settings.update(channel.guildId, channel.id, change, interaction.user.id);
  if (!stored.ok) {
    context.logger.warn({ problem: stored.problem.message, channel: channel.id, change }, '/settings set: not saved');
    await interaction.reply({ content: SETTINGS_REPLIES.unavailable, ...EPHEMERAL });
    return;
  }
  const now = effectiveSettings(channel.id, stored.value, defaults(context));
  context.logger.info({ user: interaction.user.id, guild: channel.guildId, channel: channel.id, settings: now }, 'channel settings changed');
  const lines = [`Settings for <#${channel.id}>: ${describeSettings(now, stored.value)}.`];
  if (now.mode === 'all' && !interaction.client.options.intents.has(GatewayIntentBits.MessageContent)) lines.push(SETTINGS_REPLIES.afterRestart);
  await interaction.reply({ content: lines.join('\n'), ...EPHEMERAL });
}

async function resetSettings(interaction: ChatInputCommandInteraction, context: BotContext, channelId: string): Promise<void> {
  const removed = context.settings.reset(interaction.guildId!, channelId);
  if (!removed.ok) {
    context.logger.warn({ problem: removed.problem.message, channel: channelId }, '/settings reset: not saved');
    await interaction.reply({ content: SETTINGS_REPLIES.unavailable, ...EPHEMERAL });
    return;
  }
  context.logger.info({ user: interaction.user.id, guild: interaction.guildId, channel: channelId, removed: removed.value }, 'channel settings reset');
  const now = describeSettings(effectiveSettings(channelId, null, defaults(context)));
  const what = removed.value ? 'back to the defaults' : 'already on the defaults';
  await interaction.reply({ content: `<#${channelId}> is ${what}: ${now}.`, ...EPHEMERAL });
}

async function showSettings(interaction: ChatInputCommandInteraction, context: BotContext, guild: Guild): Promise<void> {
  const listed = context.settings.list(guild.id);
  if (!listed.ok) {
    context.logger.warn({ problem: listed.problem.message }, '/settings show: the settings cannot be read');
    await interaction.reply({ content: SETTINGS_REPLIES.unreadable, ...EPHEMERAL });
    return;
  }
  await interaction.reply({ content: settingsOverview(listed.value, context, guild), ...EPHEMERAL });
}

/** The server's settings in one message: a line per channel with something chosen, then what every other gets. */
function settingsOverview(chosen: StoredChannelSettings[], context: BotContext, guild: Guild): string {
  const head = '**Channel settings**';
  // ANSWER_CHANNEL_IDS holds every server's channels: only this server's, and only those nobody chose for here.
  const answerChannels = context.config.answerChannelIds.filter((id) => guild.channels.cache.has(id) && !chosen.some((c) => c.channelId === id));
  const byConfiguration = `Answering every message by the bot’s configuration (ANSWER_CHANNEL_IDS): ${answerChannels.map((id) => `<#${id}>`).join(', ')}.`;
  const tail = [
    `Every other channel: ${describeSettings(effectiveSettings('', null, defaults(context)))}.`,
    ...(answerChannels.length ? [truncate(byConfiguration, LIMITS.content / 4)] : []),
  ];
  const lines = chosen.map((c) => {
    const gone = guild.channels.cache.has(c.channelId) ? '' : ' (channel deleted)';
    return `<#${c.channelId}>${gone}: ${describeSettings(effectiveSettings(c.channelId, c, defaults(context)), c)}`;
  });
  if (!lines.length) lines.push('No channel has settings of its own.');
  return fitLines(head, lines, tail, LIMITS.content);
}

/** Head, as many lines as fit, then the tail; the lines left out are counted, never cut in the middle. */
export function fitLines(head: string, lines: string[], tail: string[], max: number): string {
  const message = (shown: number) => {
    const left = lines.length - shown;
    const more = left ? [`… and ${left} more (\`npm run settings\` lists them all).`] : [];
    return [head, ...lines.slice(0, shown), ...more, ...tail].join('\n');
  };
  let shown = lines.length;
  while (shown > 0 && message(shown).length > max) shown -= 1;
  return message(shown);
}
