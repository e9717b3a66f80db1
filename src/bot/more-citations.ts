import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { answerQuestion } from '../answer/answer.js';
import { morePage } from './answer-message.js';
import { NO_PINGS, type BotContext } from './context.js';
import { acceptedClick, refusePrivately } from './feedback-votes.js';
import { MORE_MAX_CITATIONS, MORE_PAGE, parseMoreCustomId } from './more-button.js';

export const MORE_REFUSED = {
  malformed: 'That button is not one of mine.',
  unknownAnswer: 'I have no record of this answer any more; ask the question again.',
  otherGuild: 'This answer was given on another server.',
  cannotSee: 'You cannot see this channel.',
  unavailable: 'I cannot look this answer up right now; please try again later.',
} as const;
export const NOTHING_MORE = 'No other article answers this question.';

/**
 * A "More" click: the next citations for the recorded answer's question, shown only to the clicker (they asked for
 * more, not the channel). Not counted against the rate limit: the question was counted when it was asked. The
 * question is answered again from the current index; the first citations of a larger set are the same as those of
 * a smaller one, so the page starts where the reader left off.
 */
export async function handleMoreClick(interaction: ButtonInteraction, context: BotContext): Promise<void> {
  const { logger } = context;
  const accepted = await acceptedClick(interaction, context, 'more', parseMoreCustomId, MORE_REFUSED);
  if (!accepted) return;
  const { click, where } = accepted;
  const logged = { ...where, answer: click.answerId, shown: click.shown };
  const found = context.feedback.findAnswer(click.answerId);
  if (!found.ok) {
    logger.warn({ ...logged, problem: found.problem.message }, 'more click refused: the answer could not be looked up');
    return refusePrivately(interaction, MORE_REFUSED.unavailable);
  }
  if (!found.value) {
    logger.warn(logged, 'more click refused: unknown answer');
    return refusePrivately(interaction, MORE_REFUSED.unknownAnswer);
  }
  if (found.value.guildId !== interaction.guildId) {
    logger.warn({ ...logged, answerGuild: found.value.guildId }, 'more click refused: the answer belongs to another server');
    return refusePrivately(interaction, MORE_REFUSED.otherGuild);
  }
  // Answering may wait for the index to load: acknowledge within Discord's 3 s first.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const snapshot = await context.runtime.index.current();
  const k = Math.min(click.shown + MORE_PAGE, MORE_MAX_CITATIONS);
  const answer = await answerQuestion(snapshot, context.runtime, found.value.question, { k });
  const page = answer.answered ? answer.citations.slice(click.shown) : [];
  logger.info({ ...logged, citations: page.map((c) => ({ source: c.source, score: c.score })) }, 'more citations');
  if (!page.length) {
    await interaction.editReply({ content: NOTHING_MORE, allowedMentions: NO_PINGS });
    return;
  }
  await interaction.editReply({ ...morePage(answer, click.answerId, click.shown, page), allowedMentions: NO_PINGS });
}
