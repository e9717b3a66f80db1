import { escapeMarkdown, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { DEFAULT_REPORT_DAYS, feedbackReport, MAX_REPORT_DAYS, reportLines } from '../../feedback/report.js';
import { NO_PINGS, type BotCommand } from '../context.js';
import { LIMITS, truncate } from '../discord-limits.js';
import { requireModerator } from '../permissions.js';

export const feedbackCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('feedback')
    .setDescription('Moderators: the most down-voted answers and the most frequent unanswered questions.')
    .addIntegerOption((o) =>
      o.setName('days').setDescription(`The last N days (default ${DEFAULT_REPORT_DAYS})`).setMinValue(1).setMaxValue(MAX_REPORT_DAYS),
    )
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    if (!(await requireModerator(interaction, context, 'see feedback'))) return;
    const ephemeral = { flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;
    const days = interaction.options.getInteger('days') ?? DEFAULT_REPORT_DAYS;
    // Only this server's answers: questions asked elsewhere are not this server's moderators' business.
    const report = feedbackReport(context.feedback, { days, guildId: interaction.guildId });
    if (!report.ok) {
      context.logger.warn({ problem: report.problem.message }, 'feedback report unavailable');
      await interaction.reply({ content: 'The feedback database cannot be read right now; the details are in the bot’s log.', ...ephemeral });
      return;
    }
    // Questions are members' text: escaped, so a stray ** or ` cannot restyle the report.
    const description = reportLines(report.value, 150).map((line) => escapeMarkdown(line)).join('\n');
    await interaction.reply({ embeds: [{ title: 'Feedback', description: truncate(description, LIMITS.description) }], ...ephemeral });
  },
};
