import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { BuildSummary } from '../../index/build.js';
import { RebuildInProgressError } from '../../index/index-service.js';
import { describeSummary } from '../../index/summary.js';
import { WriterLockBusyError } from '../../index/writer-lock.js';
import { NO_PINGS, type BotCommand } from '../context.js';
import { requireModerator } from '../permissions.js';
import { reportSummary, throttledProgress } from '../rebuild-progress.js';

export const reindexCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Moderators: rebuild the search index from the articles folder.')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    if (!(await requireModerator(interaction, context, 'reindex'))) return;
    const ephemeral = { flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;
    const index = context.runtime.index;
    let rebuild: Promise<BuildSummary>;
    const progress = throttledProgress((text) => interaction.editReply({ content: text, allowedMentions: NO_PINGS }), context, interaction.client.rest);
    try {
      rebuild = index.rebuild(progress.report);
    } catch (err) {
      if (!(err instanceof RebuildInProgressError)) throw err;
      await interaction.reply({ content: 'A reindex is already running; wait for it to finish.', ...ephemeral });
      return;
    }
    // Awaited below; this only keeps a failure during deferReply from counting as unhandled.
    rebuild.catch(() => {});
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    progress.start();
    let summary: BuildSummary;
    try {
      summary = await rebuild;
    } catch (err) {
      await progress.finish();
      if (err instanceof WriterLockBusyError) {
        // Another shard or `npm run index` is writing this index; this process picks up its result when it lands.
        context.logger.warn({ holder: err.holder }, 'reindex refused: another process holds the index writer lock');
        await reportSummary(interaction, context, 'reindex', `${err.message} Wait for it to finish; its index is then used here too.`);
        return;
      }
      // A failed build never swapped anything in: say so in the build's own one-sentence reason.
      context.logger.error({ err }, 'reindex failed');
      const reason = err instanceof Error ? err.message : String(err);
      await reportSummary(interaction, context, 'reindex', `Reindex failed: ${reason} Questions are still answered from the previous index.`);
      return;
    }
    await progress.finish();
    context.logger.info({ summary: { ...summary, skipped: summary.skipped.length } }, 'reindex finished');
    const skipped = summary.skipped.length ? `\nSkipped: ${summary.skipped.map((s) => `\`${s.source}\` (${s.reason})`).join(', ')}` : '';
    await reportSummary(interaction, context, 'reindex', `${describeSummary(summary)}${skipped}`);
  },
};
