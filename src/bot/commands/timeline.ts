import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  MessageFlags,
  SlashCommandBuilder,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type ButtonInteraction,
} from 'discord.js';
import { QuestionError } from '../../answer/question.js';
import type { DateRange } from '../../search/time.js';
import { layoutTimeline, timelineClosing, timelineLineText } from '../../timeline/format-timeline.js';
import { buildTimeline, dateRangeFromOptions, MAX_TOPIC_CHARS, validateTopic, type Timeline } from '../../timeline/timeline.js';
import { checkQuestion } from '../ask-flow.js';
import { settingsOrRefuseWhereOff } from '../channel-settings-lookup.js';
import { NO_PINGS, type BotCommand, type BotContext } from '../context.js';
import { fitEmbeds, LIMITS, truncate } from '../discord-limits.js';

const TIMELINE_COLOUR = 0x3b82f6;
/**
 * A page button's custom id carries everything needed to draw its page: "timeline:<page>:<from>:<to>:<subject>",
 * dates as YYYYMMDD or empty, so buttons work after a restart with nothing kept in memory. With the topic at most
 * MAX_TOPIC_CHARS (60), it stays inside Discord's 100-character limit.
 */
const PREFIX = 'timeline:';
const MAX_CUSTOM_ID = 100;

export interface TimelinePageRequest {
  page: number;
  subject: string;
  range: DateRange | null;
}

const escape = (text: string) => escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });

export const timelineCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('timeline')
    .setDescription('The articles about a topic in date order, one line each.')
    .addStringOption((o) => o.setName('topic').setDescription('A story, person or place, e.g. "hezbollah since 2024"').setRequired(true).setMaxLength(MAX_TOPIC_CHARS))
    .addStringOption((o) => o.setName('from').setDescription('Only articles from this date (2024-03-01, March 2024, 2024)').setMaxLength(30))
    .addStringOption((o) => o.setName('to').setDescription('Only articles up to this date').setMaxLength(30)),

  async execute(interaction, context) {
    if (!(await settingsOrRefuseWhereOff(interaction, context))) return;
    let range: DateRange | null;
    let topic: string;
    try {
      topic = validateTopic(interaction.options.getString('topic', true));
      range = dateRangeFromOptions(interaction.options.getString('from'), interaction.options.getString('to'));
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      await interaction.reply({ content: err.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    // The same length check, rate limit and mention neutralising as /ask.
    const check = checkQuestion(context, interaction.user.id, topic);
    if (!check.ok) {
      await interaction.reply({ content: check.reason, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    // Acknowledge first: loading the index or the model may take longer than Discord's 3 seconds.
    await interaction.deferReply();
    const timeline = await timelineFor(context, check.question, range);
    await interaction.editReply({ ...renderTimelinePage(timeline, 1), allowedMentions: NO_PINGS });
  },
};

export function isTimelineCustomId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

/** A page button's click: the page drawn again from its custom id, in place of the clicked message's page. */
export async function handleTimelineButton(interaction: ButtonInteraction, context: BotContext): Promise<void> {
  const request = parseTimelineCustomId(interaction.customId);
  if (!request) {
    context.logger.warn({ customId: interaction.customId.slice(0, MAX_CUSTOM_ID), user: interaction.user.id }, 'malformed timeline button');
    await interaction.reply({ content: 'That button no longer works; run /timeline again.', flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
    return;
  }
  await interaction.deferUpdate();
  const timeline = await timelineFor(context, request.subject, request.range);
  await interaction.editReply({ ...renderTimelinePage(timeline, request.page), allowedMentions: NO_PINGS });
}

async function timelineFor(context: BotContext, topic: string, range: DateRange | null): Promise<Timeline> {
  const snapshot = await context.runtime.index.current();
  const timeline = await buildTimeline(snapshot, context.runtime, topic, { range });
  context.logger.info({ topic, range, answered: timeline.answered, verdict: timeline.verdict, articles: timeline.entries.length, ms: timeline.ms }, 'timeline');
  return timeline;
}

/** One page of a timeline as a Discord message: the lines in an embed, the closing facts in its footer, page buttons. */
export function renderTimelinePage(timeline: Timeline, page: number): { content: string; embeds: APIEmbed[]; components: Array<APIActionRowComponent<APIButtonComponentWithCustomId>> } {
  const layout = layoutTimeline(timeline, page);
  const closing = timelineClosing(layout);
  if (!layout.answered) return { content: `${layout.heading}\n-# ${escape(closing)}`, embeds: [], components: [] };
  const [embed] = fitEmbeds([
    {
      color: TIMELINE_COLOUR,
      title: escape(layout.heading),
      description: layout.lines.map((l) => `• ${timelineLineText(l, escape)}`).join('\n'),
      // Footers show no Markdown, so the closing facts need no escaping.
      footer: { text: truncate(closing, LIMITS.footer) },
    },
  ]);
  return { content: '', embeds: [embed], components: layout.pages > 1 ? pageButtons(timeline, layout.page, layout.pages) : [] };
}

function pageButtons(timeline: Timeline, page: number, pages: number): Array<APIActionRowComponent<APIButtonComponentWithCustomId>> {
  const button = (label: string, target: number, disabled: boolean): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: timelineCustomId({ page: target, subject: timeline.subject, range: timeline.range }),
    disabled,
  });
  const ids = [button('◀ Earlier', page - 1, page <= 1), button('Later ▶', page + 1, page >= pages)];
  // A subject that would not fit the id (mention neutralising can lengthen it) gets no buttons rather than broken ones.
  if (ids.some((b) => b.custom_id.length > MAX_CUSTOM_ID)) return [];
  return [{ type: ComponentType.ActionRow, components: ids }];
}

export function timelineCustomId(request: TimelinePageRequest): string {
  const date = (d: string | null | undefined) => (d ? d.replaceAll('-', '') : '');
  return `${PREFIX}${request.page}:${date(request.range?.from)}:${date(request.range?.to)}:${request.subject}`;
}

/** The page a custom id asks for, or null for anything this bot never put on a button. */
export function parseTimelineCustomId(customId: string): TimelinePageRequest | null {
  const match = /^timeline:(\d{1,3}):(\d{8})?:(\d{8})?:(.{1,100})$/su.exec(customId);
  if (!match) return null;
  const [, page, from, to, subject] = match;
  const iso = (d: string | undefined) => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : null);
  const range = from || to ? { from: iso(from), to: iso(to) } : null;
  if (Number(page) < 1 || (range && [range.from, range.to].some((d) => d !== null && Number.isNaN(Date.parse(d))))) return null;
  return { page: Number(page), subject, range };
}
