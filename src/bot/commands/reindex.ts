import { MessageFlags, PermissionFlagsBits, SlashCommandBuilder, InteractionContextType } from 'discord.js';
import type { BuildProgress, BuildSummary } from '../../index/build.js';
import { RebuildInProgressError } from '../../index/index-service.js';
import { describeSummary } from '../../index/summary.js';
import { NO_PINGS, type BotCommand } from '../context.js';
import { LIMITS, truncate } from '../discord-limits.js';
import { isModerator } from '../permissions.js';

/** Discord rate-limits message edits; one a second is plenty for a human watching. */
const PROGRESS_INTERVAL_MS = 1000;

export const reindexCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Moderators: rebuild the search index from the articles folder.')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    const ephemeral = { flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;
    if (!isModerator(interaction, context.config.moderatorRoleIds)) {
      context.logger.warn({ user: interaction.user.id }, 'reindex refused: not a moderator');
      await interaction.reply({ content: 'Only moderators (Manage Server, or a moderator role) can reindex.', ...ephemeral });
      return;
    }
    const index = context.runtime.index;
    let rebuild: Promise<BuildSummary>;
    const progress = throttledProgress((text) => interaction.editReply({ content: text, allowedMentions: NO_PINGS }));
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
    const summary = await rebuild;
    await progress.finish();
    context.logger.info({ summary: { ...summary, skipped: summary.skipped.length } }, 'reindex finished');
    const skipped = summary.skipped.length ? `\nSkipped: ${summary.skipped.map((s) => `\`${s.source}\` (${s.reason})`).join(', ')}` : '';
    await interaction.editReply({ content: truncate(`${describeSummary(summary)}${skipped}`, LIMITS.content), allowedMentions: NO_PINGS });
  },
};

/** Reports build progress by editing the reply, at most once a second and never two edits at once. */
function throttledProgress(edit: (text: string) => Promise<unknown>) {
  let started = false;
  let lastEdit = 0;
  let inFlight: Promise<unknown> | null = null;
  return {
    report(p: BuildProgress) {
      const now = Date.now();
      if (!started || inFlight || now - lastEdit < PROGRESS_INTERVAL_MS) return;
      lastEdit = now;
      inFlight = edit(describeProgress(p))
        .catch(() => {})
        .finally(() => (inFlight = null));
    },
    start() {
      started = true;
      lastEdit = Date.now() - PROGRESS_INTERVAL_MS;
    },
    async finish() {
      started = false;
      await inFlight;
    },
  };
}

function describeProgress(p: BuildProgress): string {
  if (p.phase === 'embedding') return `Reindexing… embedding passages ${p.done}/${p.total}`;
  if (p.phase === 'indexing') return `Reindexing… building the search index over ${p.total} passages`;
  return 'Reindexing… writing the index';
}
