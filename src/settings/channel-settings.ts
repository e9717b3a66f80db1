/**
 * Per-channel settings: where the bot answers, how many citations, whether answers go in a new thread. What a
 * moderator chose is stored per (server, channel) in the database (settings-store.ts); anything not chosen falls
 * back to the defaults, so a channel listed in ANSWER_CHANNEL_IDS keeps answering every message until a moderator
 * says otherwise, and an unreadable database leaves every channel on its defaults.
 */

/** `mentions`: only messages that mention the bot; `all`: every message is a question; `off`: no answers here. */
export const ANSWER_MODES = ['mentions', 'all', 'off'] as const;
export type AnswerMode = (typeof ANSWER_MODES)[number];

/** Citations per answer a channel may ask for: Discord shows at most 10 embeds in a message. */
export const MIN_CITATIONS = 1;
export const MAX_CITATIONS = 10;

/** What applies in a channel. */
export interface ChannelSettings {
  mode: AnswerMode;
  citations: number;
  threads: boolean;
}

/** What a moderator chose for a channel; null = not chosen, the default applies. */
export interface ChosenSettings {
  mode: AnswerMode | null;
  citations: number | null;
  threads: boolean | null;
}

export interface StoredChannelSettings extends ChosenSettings {
  guildId: string;
  channelId: string;
  updatedBy: string;
  /** ms since the Unix epoch. */
  updatedAt: number;
}

/** The defaults of a channel nobody chose settings for, from the bot's configuration. */
export interface SettingsDefaults {
  /** ANSWER_CHANNEL_IDS: channels whose default mode is `all`. */
  answerChannelIds: readonly string[];
  citations: number;
}

/** The settings that apply in `channelId`: what was chosen there, the defaults for the rest. */
export function effectiveSettings(channelId: string, chosen: ChosenSettings | null, defaults: SettingsDefaults): ChannelSettings {
  const defaultMode: AnswerMode = defaults.answerChannelIds.includes(channelId) ? 'all' : 'mentions';
  return {
    mode: chosen?.mode ?? defaultMode,
    citations: chosen?.citations ?? defaults.citations,
    threads: chosen?.threads ?? false,
  };
}

/** A change asks for nothing when no option was given. */
export function isEmptyChange(change: ChosenSettings): boolean {
  return change.mode === null && change.citations === null && change.threads === null;
}

/**
 * Checks a change before it is stored; returns the one-sentence reason it cannot be, or null. Discord enforces the
 * command's choices and ranges, but an interaction's options are only as good as whoever sent it.
 */
export function changeProblem(change: ChosenSettings): string | null {
  if (change.mode !== null && !ANSWER_MODES.includes(change.mode)) return `The mode must be one of ${ANSWER_MODES.join(', ')}.`;
  if (change.citations !== null && !(Number.isInteger(change.citations) && change.citations >= MIN_CITATIONS && change.citations <= MAX_CITATIONS)) {
    return `The number of citations must be a whole number from ${MIN_CITATIONS} to ${MAX_CITATIONS}.`;
  }
  return null;
}

const MODE_WORDS: Record<AnswerMode, string> = {
  mentions: 'answers mentions',
  all: 'answers every message',
  off: 'answers are off',
};

/** "answers every message · 5 citations · in threads", marking what is a default. */
export function describeSettings(settings: ChannelSettings, chosen: ChosenSettings | null = null): string {
  const mark = (isChosen: boolean) => (isChosen ? '' : ' (default)');
  return [
    `${MODE_WORDS[settings.mode]}${mark(chosen?.mode != null)}`,
    `${settings.citations} ${settings.citations === 1 ? 'citation' : 'citations'}${mark(chosen?.citations != null)}`,
    `${settings.threads ? 'in a new thread' : 'in the channel'}${mark(chosen?.threads != null)}`,
  ].join(' · ');
}
