import { SlashCommandBuilder, type APIEmbed } from 'discord.js';
import type { ManifestDocument } from '../../index/manifest.js';
import { storyClusters, type StoryClusters } from '../../search/story-clusters.js';
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
    const documents = Object.entries(snapshot.manifest.documents).map(([file, d]) => ({ ...d, file }));
    const page = sourcesPage(documents, interaction.options.getInteger('page') ?? 1, storyClusters(snapshot));
    await interaction.editReply({ embeds: [page], allowedMentions: NO_PINGS });
  },
};

/** Each article's line, and under it the files that report the same story (see story-clusters.ts). */
export function sourcesPage(
  documents: Array<ManifestDocument & { file: string }>,
  requestedPage: number,
  stories: StoryClusters = { clusters: [], clusterOf: new Map() },
): APIEmbed {
  const pages = Math.max(1, Math.ceil(documents.length / PER_PAGE));
  const page = Math.min(Math.max(1, requestedPage), pages);
  const lines = documents.slice((page - 1) * PER_PAGE, page * PER_PAGE).map((d) => {
    const line = `• **${truncate(d.title, 150)}** — ${d.date ?? 'undated'} — ${d.chunks} passages — \`${d.source}\``;
    const others = (stories.clusterOf.get(d.file) ?? []).filter((f) => f !== d.file);
    return others.length ? `${line}\n  ↳ same story as ${others.map((f) => `\`${f}\``).join(', ')}` : line;
  });
  const retold = stories.clusters.length;
  const [embed] = fitEmbeds([
    {
      title: `Sources (${documents.length} articles${retold ? `; ${retold} ${retold === 1 ? 'story' : 'stories'} reported more than once` : ''})`,
      description: lines.join('\n') || 'The index holds no articles yet.',
      footer: { text: pages > 1 ? `Page ${page} of ${pages} · /sources page:<n>` : `Page 1 of 1` },
    },
  ]);
  return embed;
}
