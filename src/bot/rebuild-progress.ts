import {
  DiscordAPIError,
  RESTEvents,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
  type REST,
} from 'discord.js';
import type { BuildProgress } from '../index/build.js';
import { NO_PINGS, type BotContext } from './context.js';
import { LIMITS, truncate } from './discord-limits.js';

/** Discord rate-limits message edits; one a second is plenty for a human watching. */
const PROGRESS_INTERVAL_MS = 1000;
/** An edit that took this long waited for a rate limit (discord.js waits out 429s): space the next ones out more. */
const SLOW_EDIT_MS = 1000;
const MAX_PROGRESS_INTERVAL_MS = 16_000;

/**
 * Edits the summary into the reply; when the interaction token has expired (15 minutes on Discord, so a long
 * reindex outlives it) the reply can no longer be edited, and the summary goes to the channel instead.
 */
export async function reportSummary(interaction: ChatInputCommandInteraction, context: BotContext, command: string, summary: string): Promise<void> {
  try {
    await interaction.editReply({ content: truncate(summary, LIMITS.content), allowedMentions: NO_PINGS });
    return;
  } catch (err) {
    if (!isExpiredToken(err)) throw err;
  }
  context.logger.info({ channel: interaction.channelId }, `${command} outlived its interaction token: summary posted to the channel`);
  const channel = await interaction.client.channels.fetch(interaction.channelId);
  if (!channel?.isSendable()) throw new Error(`cannot post the ${command} summary: channel ${interaction.channelId} is not a text channel`);
  await channel.send({ content: truncate(`/${command} finished: ${summary}`, LIMITS.content), allowedMentions: NO_PINGS });
}

/** Discord's answer to a webhook call with an expired interaction token (older API versions said Unknown Webhook). */
function isExpiredToken(err: unknown): boolean {
  return (
    err instanceof DiscordAPIError &&
    (err.code === RESTJSONErrorCodes.InvalidWebhookToken || err.code === RESTJSONErrorCodes.UnknownWebhook)
  );
}

/**
 * Reports build progress by editing the reply: never two edits at once, reports in between dropped (only the latest
 * state matters), and the next edit at least an interval after the previous one finished. An edit that met a
 * rate limit (discord.js reports each 429 it waits out) or was slowed doubles the interval for good; once the token
 * has expired, progress stops. The 429 event, not the edit's duration alone, is what counts: on a busy machine a
 * waited-out 429 and a slow edit are hard to tell apart by the clock.
 */
export function throttledProgress(edit: (text: string) => Promise<unknown>, context: BotContext, rest: REST) {
  let started = false;
  let expired = false;
  let nextEditAt = 0;
  let interval = PROGRESS_INTERVAL_MS;
  let inFlight: Promise<unknown> | null = null;
  let limited = false;
  const onRateLimited = () => {
    if (inFlight) limited = true;
  };
  return {
    report(p: BuildProgress) {
      if (!started || expired || inFlight || Date.now() < nextEditAt) return;
      const sentAt = Date.now();
      limited = false;
      inFlight = edit(describeProgress(p))
        .then(() => {
          const took = Date.now() - sentAt;
          // Once Discord has said "too fast", stay slower for the rest of this reindex.
          if (limited || took >= SLOW_EDIT_MS) interval = Math.min(interval * 2, MAX_PROGRESS_INTERVAL_MS);
        })
        .catch((err: unknown) => {
          expired = isExpiredToken(err);
          context.logger.warn({ err }, 'could not show rebuild progress');
        })
        .finally(() => {
          inFlight = null;
          nextEditAt = Date.now() + interval;
        });
    },
    start() {
      started = true;
      rest.on(RESTEvents.RateLimited, onRateLimited);
    },
    async finish() {
      started = false;
      await inFlight;
      rest.off(RESTEvents.RateLimited, onRateLimited);
    },
  };
}

function describeProgress(p: BuildProgress): string {
  if (p.phase === 'starting') return 'Reindexing… loading the model and reading the articles';
  if (p.phase === 'embedding') return `Reindexing… embedding passages ${p.done}/${p.total}`;
  if (p.phase === 'indexing') return `Reindexing… building the search index over ${p.total} passages`;
  if (p.phase === 'loading') return 'Reindexing… switching to the new index';
  return 'Reindexing… writing the index';
}
