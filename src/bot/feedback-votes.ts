import { MessageFlags, PermissionFlagsBits, type ButtonInteraction } from 'discord.js';
import { NO_PINGS, type BotContext } from './context.js';
import { parseFeedbackCustomId, withFeedbackCounts } from './feedback-buttons.js';

export const VOTE_REFUSED = {
  malformed: 'That button is not one of mine; nothing was recorded.',
  unknownAnswer: 'I have no record of this answer any more, so the vote was not counted.',
  otherGuild: 'This answer was given on another server, so the vote was not counted.',
  cannotSee: 'You cannot see this channel, so the vote was not counted.',
  unavailable: 'Your vote could not be recorded right now; please try again later.',
} as const;

/**
 * A 👍/👎 click. The vote is written before anything is sent (a sub-millisecond write, well within Discord's 3 s),
 * so the acknowledgement itself can show the new counts: one UPDATE_MESSAGE, no deferral.
 */
export async function handleFeedbackClick(interaction: ButtonInteraction, context: BotContext): Promise<void> {
  const { logger } = context;
  const accepted = await acceptedClick(interaction, context, 'feedback', parseFeedbackCustomId, VOTE_REFUSED);
  if (!accepted) return;
  const { click, where } = accepted;
  const outcome = context.feedback.vote(click.answerId, interaction.user.id, interaction.guildId, click.vote);
  const logged = { ...where, answer: click.answerId, vote: click.vote };
  switch (outcome.status) {
    case 'recorded': {
      logger.info({ ...logged, now: outcome.vote, counts: outcome.counts }, 'feedback vote recorded');
      const current = interaction.message.components.map((c) => c.toJSON());
      await interaction.update({ components: withFeedbackCounts(current, click.answerId, outcome.counts), allowedMentions: NO_PINGS });
      return;
    }
    case 'unknown-answer':
      logger.warn(logged, 'feedback click refused: unknown answer');
      return refusePrivately(interaction, VOTE_REFUSED.unknownAnswer);
    case 'other-guild':
      logger.warn({ ...logged, answerGuild: outcome.answerGuildId }, 'feedback click refused: the answer belongs to another server');
      return refusePrivately(interaction, VOTE_REFUSED.otherGuild);
    case 'unavailable':
      // The store logged the database problem itself, once; this line says which vote it cost.
      logger.warn({ ...logged, problem: outcome.problem.message }, 'feedback vote not recorded');
      return refusePrivately(interaction, VOTE_REFUSED.unavailable);
  }
}

/**
 * The checks every button click starts with, before anything is looked up: a custom id of ours, from a member who
 * can see the channel. Returns the parsed click and where it came from (for the log), or null once the clicker has
 * been told privately why not and the log says so.
 */
export async function acceptedClick<T>(
  interaction: ButtonInteraction,
  context: BotContext,
  kind: string,
  parse: (customId: string) => T | null,
  refused: { malformed: string; cannotSee: string },
): Promise<{ click: T; where: { user: string; guild: string | null; message: string } } | null> {
  const where = { user: interaction.user.id, guild: interaction.guildId, message: interaction.message.id };
  const logged = { ...where, customId: interaction.customId.slice(0, 100) };
  const click = parse(interaction.customId);
  if (!click) {
    context.logger.warn(logged, `${kind} click refused: malformed custom id`);
    await refusePrivately(interaction, refused.malformed);
    return null;
  }
  if (cannotSeeChannel(interaction)) {
    context.logger.warn(logged, `${kind} click refused: the member cannot see the channel`);
    await refusePrivately(interaction, refused.cannotSee);
    return null;
  }
  return { click, where };
}

/**
 * Discord computes a clicker's permissions in the message's channel and sends them with the click. Someone who
 * cannot see the channel cannot have seen the answer: the click is forged, or stale (a role taken away since the
 * message was shown); it must not count as a reader's vote nor fetch the answer's question for them.
 */
function cannotSeeChannel(interaction: ButtonInteraction): boolean {
  return interaction.inGuild() && interaction.memberPermissions !== null && !interaction.memberPermissions.has(PermissionFlagsBits.ViewChannel);
}

/** A click that changes nothing: one private line to the clicker. */
export async function refusePrivately(interaction: ButtonInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}
