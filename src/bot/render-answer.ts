import type { APIEmbed } from 'discord.js';
import type { Answer } from '../answer/answer.js';
import { markHighlight, NOT_IN_CORPUS } from '../answer/format-text.js';
import { fitEmbeds, LIMITS, truncate } from './discord-limits.js';

export interface DiscordAnswer {
  content: string;
  embeds: APIEmbed[];
}

const CITATION_COLOUR = 0x3b82f6;

/** The same answer `ask` prints, laid out for Discord: the question, then one embed per citation. */
export function renderAnswer(answer: Answer): DiscordAnswer {
  const question = `**Q:** ${answer.question}`;
  if (!answer.answered) return { content: truncate(`${question}\n${NOT_IN_CORPUS}`, LIMITS.content), embeds: [] };
  const embeds = answer.citations.map(
    (c): APIEmbed => ({
      color: CITATION_COLOUR,
      title: `[${c.n}] ${c.title}`,
      description: markHighlight(c),
      fields: [
        { name: 'Date', value: c.date ?? 'undated', inline: true },
        { name: 'Source', value: `\`${c.source}\``, inline: true },
      ],
      footer: { text: `score ${c.score.toFixed(3)} · ${answer.model}` },
    }),
  );
  return { content: truncate(question, LIMITS.content), embeds: fitEmbeds(embeds) };
}
