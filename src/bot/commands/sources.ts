import { SlashCommandBuilder, type APIEmbed } from 'discord.js';
import type { ManifestDocument } from '../../index/manifest.js';
import { NO_PINGS, type BotCommand } from '../context.js';
import { fitEmbeds, truncate } from '../discord-limits.js';

const PER_PAGE = 10;

export const sourcesCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('List the articles the bot answers from.')
    .addIntegerOption((o) => o.setName('page').setDescription('Page number').setMinValue(1)),

  async execute(interaction, context) {
    await interaction.deferReply();
    const snapshot = await context.runtime.index.current();
    const documents = Object.values(snapshot.manifest.documents);
    await interaction.editReply({ embeds: [sourcesPage(documents, interaction.options.getInteger('page') ?? 1)], allowedMentions: NO_PINGS });
  },
};

export function sourcesPage(documents: ManifestDocument[], requestedPage: number): APIEmbed {
  const pages = Math.max(1, Math.ceil(documents.length / PER_PAGE));
  const page = Math.min(Math.max(1, requestedPage), pages);
  const lines = documents
    .slice((page - 1) * PER_PAGE, page * PER_PAGE)
    .map((d) => `• **${truncate(d.title, 150)}** — ${d.date ?? 'undated'} — ${d.chunks} passages — \`${d.source}\``);
  const [embed] = fitEmbeds([
    {
      title: `Sources (${documents.length} articles)`,
      description: lines.join('\n') || 'The index holds no articles yet.',
      footer: { text: pages > 1 ? `Page ${page} of ${pages} · /sources page:<n>` : `Page 1 of 1` },
    },
  ]);
  return embed;
}
