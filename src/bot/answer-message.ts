import type { Answer } from '../answer/answer.js';
import type { LayoutOptions } from '../answer/format-text.js';
import { feedbackRow, type AnswerComponents } from './feedback-buttons.js';
import { renderAnswer, type DiscordAnswer } from './render-answer.js';

export type AnswerMessage = DiscordAnswer & { components: AnswerComponents };

/**
 * The whole message for an answer, as the bot sends it and the preview draws it: the rendered answer and the buttons
 * under it. `answerId` is the answer's record in the feedback database, which the buttons' custom ids carry; with
 * none (the database cannot take it) the answer goes out without buttons, since no click on them could be counted.
 */
export function answerMessage(answer: Answer, layout: LayoutOptions, answerId: string | null): AnswerMessage {
  return { ...renderAnswer(answer, layout), components: answerId ? [feedbackRow(answerId)] : [] };
}
