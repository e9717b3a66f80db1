import { ButtonStyle, ComponentType, type APIButtonComponentWithCustomId } from 'discord.js';
import { ANSWER_ID } from '../feedback/feedback-store.js';

/**
 * "More" under an answer: the next citations for the same question. The custom id carries the recorded answer's id
 * and how many citations the reader has seen ("more:<answer id>:3"), so the button works after a restart and each
 * page's button asks for the page after it.
 */
const PREFIX = 'more:';
/** Citations per "More" page. */
export const MORE_PAGE = 3;
/** At most this many citations in all, the answer's and its pages'. */
export const MORE_MAX_CITATIONS = 10;

export interface MoreClick {
  answerId: string;
  /** Citations already shown, so the page starts at the next one. */
  shown: number;
}

export function isMoreCustomId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

export function moreCustomId(answerId: string, shown: number): string {
  return `${PREFIX}${answerId}:${shown}`;
}

/** The click a custom id stands for, or null for anything this bot never put on a button. */
export function parseMoreCustomId(customId: string): MoreClick | null {
  if (!isMoreCustomId(customId)) return null;
  const [answerId, count, ...rest] = customId.slice(PREFIX.length).split(':');
  if (rest.length || !ANSWER_ID.test(answerId ?? '') || !/^[1-9]\d?$/.test(count ?? '')) return null;
  const shown = Number(count);
  return shown < MORE_MAX_CITATIONS ? { answerId, shown } : null;
}

export function moreButton(answerId: string, shown: number): APIButtonComponentWithCustomId {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: moreCustomId(answerId, shown), label: 'More' };
}

/**
 * Whether more citations may follow `shown` when `asked` were asked for. The relevance rule cites only articles
 * that answer, so a page with fewer than asked is all there is.
 */
export function mayHaveMore(shown: number, asked: number): boolean {
  return shown > 0 && shown >= asked && shown < MORE_MAX_CITATIONS;
}
