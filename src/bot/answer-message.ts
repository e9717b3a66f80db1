import { ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Answer, Citation } from '../answer/answer.js';
import type { LayoutOptions } from '../answer/format-text.js';
import { voteButtons, type AnswerComponents } from './feedback-buttons.js';
import { linkRow } from './link-buttons.js';
import { mayHaveMore, MORE_MAX_CITATIONS, MORE_PAGE, moreButton } from './more-button.js';
import { renderAnswer, type DiscordAnswer } from './render-answer.js';

export type AnswerMessage = DiscordAnswer & { components: AnswerComponents };

export interface AnswerButtons {
  /**
   * The answer's record in the feedback database, which 👍/👎 and "More" carry in their custom ids; null when the
   * database could not take it: no click on them could be served, so they are left off.
   */
  answerId: string | null;
  /** How many citations were asked for: a full set may have more behind it. */
  k: number;
}

/**
 * The whole message for an answer, as the bot sends it and the preview draws it: the rendered answer, a row of links
 * to the cited articles that have a web address, and 👍 / 👎 / More.
 */
export function answerMessage(answer: Answer, layout: LayoutOptions, { answerId, k }: AnswerButtons): AnswerMessage {
  const components: AnswerComponents = [];
  const links = linkRow(answer.citations);
  if (links) components.push(links);
  if (answerId) {
    const more = answer.answered && mayHaveMore(answer.citations.length, k) ? [moreButton(answerId, answer.citations.length)] : [];
    components.push(row([...voteButtons(answerId), ...more]));
  }
  return { ...renderAnswer(answer, layout), components };
}

/**
 * A "More" page: `page`, the citations after the first `shown` of the recorded answer `answerId`, laid out as an
 * answer (with their own numbers, so [4] follows [3]), their links, and "More" again when a further page may exist.
 */
export function morePage(answer: Answer, answerId: string, shown: number, page: Citation[]): AnswerMessage {
  const components: AnswerComponents = [];
  const links = linkRow(page);
  if (links) components.push(links);
  const seen = shown + page.length;
  if (mayHaveMore(seen, Math.min(shown + MORE_PAGE, MORE_MAX_CITATIONS))) components.push(row([moreButton(answerId, seen)]));
  // The page is not a reply to the question, so it says what was asked.
  return { ...renderAnswer({ ...answer, citations: page }, { showQuestion: true }), components };
}

function row(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> {
  return { type: ComponentType.ActionRow, components: buttons };
}
