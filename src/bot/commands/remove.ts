import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ApplicationCommandOptionChoiceData } from 'discord.js';
import { describeRemove } from '../../app/corpus-change-text.js';
import { ArticleInputError } from '../../corpus/add-article.js';
import { listArticleFiles } from '../../corpus/remove-article.js';
import type { IndexService } from '../../index/index-service.js';
import { NO_PINGS, type BotCommand } from '../context.js';
import { truncate } from '../discord-limits.js';
import { isModerator, requireModerator } from '../permissions.js';
import { reportSummary, throttledProgress } from '../rebuild-progress.js';
import { DISCORD_STYLE } from './add.js';

/** Discord's limits on autocomplete: 25 choices, names and string values of 1–100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_CHARS = 100;
/** Suggestions must be sent within Discord's 3 s: titles are left out rather than wait for an index still loading. */
const TITLES_WAIT_MS = 500;

export const removeCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('remove')
    .setDescription('Moderators: remove one article from the corpus and the index.')
    .addStringOption((o) =>
      o
        .setName('source')
        .setDescription('The article file, as /sources lists it')
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(MAX_CHOICE_CHARS),
    )
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    if (!(await requireModerator(interaction, context, 'remove articles'))) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const source = interaction.options.getString('source', true);
    const edit = (text: string) => interaction.editReply({ content: text, allowedMentions: NO_PINGS });
    const progress = throttledProgress(edit, context, interaction.client.rest);
    progress.start();
    let text: string;
    try {
      const outcome = await context.corpus.remove(source, { onProgress: progress.report });
      context.logger.info({ user: interaction.user.id, file: outcome.file }, 'remove finished');
      text = describeRemove(outcome, DISCORD_STYLE);
    } catch (err) {
      if (!(err instanceof ArticleInputError)) throw err;
      context.logger.info({ user: interaction.user.id, reason: err.message }, 'remove refused');
      text = err.message;
    } finally {
      await progress.finish();
    }
    await reportSummary(interaction, context, 'remove', text);
  },

  async autocomplete(interaction, context) {
    // File names are no secret (/sources lists them), but only moderators can use them: others get no suggestions.
    if (!isModerator(interaction, context.config.moderatorRoleIds)) {
      await interaction.respond([]);
      return;
    }
    const typed = interaction.options.getFocused().toLowerCase();
    const [files, titles] = await Promise.all([listArticleFiles(context.config.core.corpusDir), titlesIfLoaded(context.runtime.index)]);
    await interaction.respond(removeChoices(files, titles, typed));
  },
};

/**
 * The corpus files matching what was typed (in the file name or the title), those whose name starts with it
 * first, at most 25. A file whose name is longer than a choice value can hold is left out: it could not be sent.
 */
export function removeChoices(files: readonly string[], titles: ReadonlyMap<string, string>, typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const matching = files.filter((f) => f.length <= MAX_CHOICE_CHARS && `${f}\n${titles.get(f) ?? ''}`.toLowerCase().includes(typed));
  const ranked = [...matching.filter((f) => f.toLowerCase().startsWith(typed)), ...matching.filter((f) => !f.toLowerCase().startsWith(typed))];
  return ranked.slice(0, MAX_CHOICES).map((file) => {
    const title = titles.get(file);
    return { name: truncate(title ? `${file} — ${title}` : file, MAX_CHOICE_CHARS), value: file };
  });
}

async function titlesIfLoaded(index: IndexService): Promise<Map<string, string>> {
  const timeout = new Promise<null>((resolve) => setTimeout(resolve, TITLES_WAIT_MS, null).unref());
  const snapshot = await Promise.race([index.current().catch(() => null), timeout]);
  return new Map(Object.entries(snapshot?.manifest.documents ?? {}).map(([file, d]) => [file, d.title]));
}
