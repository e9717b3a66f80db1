import { escapeMarkdown, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed } from 'discord.js';
import type { Answer } from '../answer/answer.js';
import {
  ALSO_REPORTED_IN,
  cardSource,
  closingLine,
  layoutAnswer,
  marker,
  markSnippet,
  type LayoutOptions,
} from '../answer/format-text.js';
import { fitEmbeds, LIMITS, truncate } from './discord-limits.js';

export interface DiscordAnswer {
  content: string;
  embeds: APIEmbed[];
  /** Buttons under the answer, for front ends that add them; the preview draws whatever is here. */
  components?: Array<APIActionRowComponent<APIComponentInMessageActionRow>>;
}

const CITATION_COLOUR = 0x3b82f6;
/** Said in the closing line when Discord's limits made the renderer drop or shorten anything. */
export const CUT_NOTE = 'shortened to fit Discord’s limits';

/**
 * Article text is quoted, not formatted: an asterisk or underscore in an article must not turn the rest of the
 * message bold, and a "[text](link)" in it must not become a link the bot vouches for.
 */
const escape = (text: string) => escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });

/**
 * The answer as a Discord message, in the layout `ask` prints: the answering sentences quoted in the message text
 * with their numbers, one embed per citation (numbered title linking to the article, the snippet with its answering
 * sentence in bold, date and file in the footer), and a small closing line. No score or model name: readers
 * cannot act on them (the log and `ask --json` keep them).
 */
export function renderAnswer(answer: Answer, options: LayoutOptions = {}): DiscordAnswer {
  const layout = layoutAnswer(answer, options);
  const embeds = layout.cards.map(
    (c): APIEmbed => ({
      color: CITATION_COLOUR,
      title: `${marker(c.n)} ${escape(c.title)}`,
      ...(c.url ? { url: c.url } : {}),
      description: markSnippet(c.snippet, escape),
      // Footers show no Markdown, so the file name needs no escaping.
      footer: { text: cardSource(c) },
      ...(c.alsoReportedIn ? { fields: [{ name: ALSO_REPORTED_IN, value: escape(c.alsoReportedIn) }] } : {}),
    }),
  );
  const fitted = fitEmbeds(embeds);
  let cut = JSON.stringify(fitted) !== JSON.stringify(embeds);

  const lead = layout.answered ? layout.quotes.map((q) => `> ${escape(q.text)} ${marker(q.n)}`) : [layout.notAnswered];
  const closing = () => `-# ${escape(closingLine(layout))}${cut ? ` · ${CUT_NOTE}` : ''}`;
  // Later quotes go first: each is also in bold on its own embed. The closing line is bounded (echoes are cut to
  // 100 characters), so what is left to cut is the first quote itself.
  const fits = () => [...lead, closing()].join('\n').length <= LIMITS.content;
  while (!fits() && lead.length > 1) {
    lead.pop();
    cut = true;
  }
  if (!fits()) {
    cut = true;
    lead[0] = truncate(lead[0], LIMITS.content - closing().length - 1);
  }
  return { content: [...lead, closing()].join('\n'), embeds: fitted };
}
