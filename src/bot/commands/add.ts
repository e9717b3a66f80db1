import { escapeMarkdown, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { describeAdd, type TextStyle } from '../../app/corpus-change-text.js';
import { ArticleInputError, MAX_TITLE_CHARS, type RefusedUpload, type Upload } from '../../corpus/add-article.js';
import { downloadAttachment } from '../attachment-download.js';
import { NO_PINGS, type BotCommand } from '../context.js';
import { requireModerator } from '../permissions.js';
import { reportSummary, throttledProgress } from '../rebuild-progress.js';

/** Attachment options, in order: one required, two more optional (a slash command cannot take a variable number). */
const FILE_OPTIONS = ['file', 'file2', 'file3'] as const;

export const DISCORD_STYLE: TextStyle = {
  title: (title) => `“${escapeMarkdown(title)}”`,
  file: (file) => `\`${file.replace(/`/g, "'")}\``,
  reindex: '/reindex',
};

export const addCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('add')
    .setDescription('Moderators: add articles (.txt, .md or .html files) to the corpus and index them.')
    .addAttachmentOption((o) => o.setName('file').setDescription('An article: .txt, .md or .html').setRequired(true))
    .addAttachmentOption((o) => o.setName('file2').setDescription('Another article'))
    .addAttachmentOption((o) => o.setName('file3').setDescription('Another article'))
    .addStringOption((o) =>
      o.setName('title').setDescription('The title, for a file without one (one file only)').setMaxLength(MAX_TITLE_CHARS),
    )
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    if (!(await requireModerator(interaction, context, 'add articles'))) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const attachments = FILE_OPTIONS.map((name) => interaction.options.getAttachment(name)).filter((a) => a !== null);
    const title = interaction.options.getString('title') ?? undefined;
    if (title !== undefined && attachments.length > 1) {
      await interaction.editReply({ content: 'A title can only be given when adding a single file.', allowedMentions: NO_PINGS });
      return;
    }
    const uploads: Upload[] = [];
    const refused: RefusedUpload[] = [];
    for (const attachment of attachments) {
      const limits = { allowedOrigins: context.attachmentOrigins, maxBytes: context.config.uploads.maxUploadBytes };
      const download = await downloadAttachment({ name: attachment.name, size: attachment.size, url: attachment.url }, limits);
      if ('reason' in download) refused.push({ name: attachment.name, reason: download.reason });
      else uploads.push({ name: attachment.name, bytes: download.bytes });
    }
    for (const r of refused) context.logger.warn({ user: interaction.user.id, file: r.name, reason: r.reason }, 'attachment not downloaded');
    if (uploads.length === 0) {
      await reportSummary(interaction, context, 'add', describeAdd({ added: [], refused: [] }, refused, DISCORD_STYLE));
      return;
    }
    const edit = (text: string) => interaction.editReply({ content: text, allowedMentions: NO_PINGS });
    const progress = throttledProgress(edit, context, interaction.client.rest);
    progress.start();
    let text: string;
    try {
      const outcome = await context.corpus.add(uploads, { title, onProgress: progress.report });
      context.logger.info(
        { user: interaction.user.id, added: outcome.added.map((a) => a.file), refused: [...refused, ...outcome.refused].map((r) => r.reason) },
        'add finished',
      );
      text = describeAdd(outcome, refused, DISCORD_STYLE);
    } catch (err) {
      if (!(err instanceof ArticleInputError)) throw err;
      text = err.message;
    } finally {
      await progress.finish();
    }
    await reportSummary(interaction, context, 'add', text);
  },
};
