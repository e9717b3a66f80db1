import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIMessageTopLevelComponent,
} from 'discord.js';
import type { Answer } from '../answer/answer.js';
import { ANSWER_ID, type Vote, type VoteCounts } from '../feedback/feedback-store.js';
import type { BotContext } from './context.js';

/**
 * 👍/👎 under every answer. The custom id carries everything a click needs ("feedback:<answer id>:up"), so buttons
 * keep working after a restart and nothing is held in memory.
 */
const PREFIX = 'feedback:';
const VOTE_NAMES = { up: 1, down: -1 } as const satisfies Record<string, Vote>;

export interface FeedbackClick {
  answerId: string;
  vote: Vote;
}

/** Who asked, and where: recorded with the answer. */
export interface Asker {
  userId: string;
  guildId: string | null;
  channelId: string | null;
}

export type AnswerComponents = APIActionRowComponent<APIComponentInMessageActionRow>[];

export function isFeedbackCustomId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

export function feedbackCustomId(answerId: string, vote: Vote): string {
  return `${PREFIX}${answerId}:${vote === 1 ? 'up' : 'down'}`;
}

/** The click a custom id stands for, or null for anything this bot never put on a button. */
export function parseFeedbackCustomId(customId: string): FeedbackClick | null {
  if (!isFeedbackCustomId(customId)) return null;
  const [answerId, name, ...rest] = customId.slice(PREFIX.length).split(':');
  if (rest.length || !ANSWER_ID.test(answerId ?? '') || !Object.hasOwn(VOTE_NAMES, name ?? '')) return null;
  return { answerId, vote: VOTE_NAMES[name as keyof typeof VOTE_NAMES] };
}

/** 👍 and 👎 for an answer; a count shows once it is above zero. */
export function voteButtons(answerId: string, counts: VoteCounts = { up: 0, down: 0 }): APIButtonComponentWithCustomId[] {
  const button = (vote: Vote, emoji: string, count: number): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: feedbackCustomId(answerId, vote),
    emoji: { name: emoji },
    ...(count > 0 ? { label: String(count) } : {}),
  });
  return [button(1, '👍', counts.up), button(-1, '👎', counts.down)];
}

/** The 👍/👎 row on its own. */
export function feedbackRow(answerId: string, counts?: VoteCounts): APIActionRowComponent<APIButtonComponentWithCustomId> {
  return { type: ComponentType.ActionRow, components: voteButtons(answerId, counts) };
}

/**
 * The message's components with 👍/👎 showing new counts, each where it was. Every other button (links, "More") is
 * kept as it is, so a vote never removes another feature's buttons.
 */
export function withFeedbackCounts(components: readonly APIMessageTopLevelComponent[], answerId: string, counts: VoteCounts): APIMessageTopLevelComponent[] {
  const fresh = new Map(voteButtons(answerId, counts).map((b) => [b.custom_id, b]));
  let found = false;
  const updated = components.map((c): APIMessageTopLevelComponent => {
    if (c.type !== ComponentType.ActionRow) return c;
    const buttons = c.components.map((b) => {
      const replacement = 'custom_id' in b ? fresh.get(b.custom_id) : undefined;
      if (replacement) found = true;
      return replacement ?? b;
    });
    return { ...c, components: buttons } as APIMessageTopLevelComponent;
  });
  // A message that lost them (edited by an older version) gets them back, in a row of their own.
  return found ? updated : [...components, feedbackRow(answerId, counts)];
}

/**
 * Records the answer for feedback and returns its id, which its buttons carry; null when the database cannot take
 * it (the store has already logged why).
 */
export function recordForFeedback(context: BotContext, answer: Answer, asker: Asker): string | null {
  const recorded = context.feedback.recordAnswer({
    question: answer.question,
    answered: answer.answered,
    sources: answer.citations.map((c) => c.source),
    ...asker,
  });
  if (recorded.ok) return recorded.value;
  context.logger.warn({ question: answer.question }, 'answer sent without feedback buttons: the feedback database is unavailable');
  return null;
}
