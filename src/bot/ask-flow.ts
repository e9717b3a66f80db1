import { answerQuestion, DEFAULT_K } from '../answer/answer.js';
import { answerFollowUp } from '../answer/follow-up.js';
import type { LayoutOptions } from '../answer/format-text.js';
import { QuestionError, validateQuestion } from '../answer/question.js';
import type { BotContext } from './context.js';
import { answerMessage, type AnswerMessage } from './answer-message.js';
import { recordForFeedback, type Asker } from './feedback-buttons.js';
import { neutraliseMassMentions } from './mass-mentions.js';

export type QuestionCheck = { ok: true; question: string } | { ok: false; reason: string };

/**
 * The cheap checks, done before anything is deferred or computed: length, then the user's rate limit (a refused
 * question does not count against it). The question returned is the one every reply echoes, so it is made safe
 * to echo here, once for the slash command and the mention alike (after the length check, which counts what the
 * user typed).
 */
export function checkQuestion(context: BotContext, userId: string, raw: string): QuestionCheck {
  let question: string;
  try {
    question = prepareQuestion(raw, context.config.maxQuestionChars);
  } catch (err) {
    if (err instanceof QuestionError) return { ok: false, reason: err.message };
    throw err;
  }
  const waitMs = context.rateLimiter.take(userId);
  if (waitMs > 0) {
    const { questions, windowSeconds } = context.config.rateLimit;
    return {
      ok: false,
      reason: `You can ask ${questions} questions every ${windowSeconds} s; try again in ${Math.ceil(waitMs / 1000)} s.`,
    };
  }
  return { ok: true, question };
}

/** The question as the bot reads and echoes it; throws QuestionError for an empty or over-long one. */
export function prepareQuestion(raw: string, maxChars: number): string {
  return neutraliseMassMentions(validateQuestion(withoutDiscordMarkup(raw), maxChars));
}

/**
 * Mentions of users, roles and channels are Discord markup, not words of the question: left in, an ID like
 * 123456789012345678 reads as a very rare word the corpus never uses, and the question looks out of scope.
 */
export function withoutDiscordMarkup(text: string): string {
  return text.replace(/<(?:@[!&]?|#)\d+>/g, ' ').replace(/(^|\s)@(?:everyone|here)\b/g, '$1');
}

/**
 * The answer `npm run ask` would print, rendered for Discord, recorded for feedback, with its 👍/👎 buttons. With
 * `earlier`, the question is a follow-up to it (`npm run ask -- --after`), and the answer says what was searched.
 */
export async function answerForDiscord(
  context: BotContext,
  question: string,
  asker: Asker,
  k = DEFAULT_K,
  layout: LayoutOptions = {},
  earlier: string | null = null,
): Promise<AnswerMessage> {
  const snapshot = await context.runtime.index.current();
  const followUp = earlier === null ? null : await answerFollowUp(snapshot, context.runtime, earlier, question, { k });
  const answer = followUp?.answer ?? (await answerQuestion(snapshot, context.runtime, question, { k }));
  // Scores and the model are for whoever reads the log, not for members.
  const citations = answer.citations.map((c) => ({ source: c.source, score: c.score }));
  const conversation = followUp ? { followUpTo: earlier, searched: followUp.reading.question } : {};
  context.logger.info({ question, ...conversation, answered: answer.answered, citations, model: answer.model, ms: answer.ms }, 'answered');
  // A follow-up is recorded as the question searched, which stands on its own: "More", the feedback report and a
  // follow-up to the follow-up all read it without the conversation.
  const recorded = followUp ? { ...answer, question: followUp.reading.question } : answer;
  return answerMessage(answer, layout, { answerId: recordForFeedback(context, recorded, asker), k });
}
