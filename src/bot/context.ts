import type { AutocompleteInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Logger } from 'pino';
import type { CorpusUpdates } from '../app/corpus-updates.js';
import type { Runtime } from '../app/runtime.js';
import type { FeedbackStore } from '../feedback/feedback-store.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { BotConfig } from './config.js';
import type { RateLimiter } from './rate-limiter.js';

/** What every handler needs; built once at start-up. */
export interface BotContext {
  config: BotConfig;
  runtime: Runtime;
  logger: Logger;
  rateLimiter: RateLimiter;
  feedback: FeedbackStore;
  /** Per-channel settings (/settings), on the feedback store's connection. */
  settings: SettingsStore;
  /** Articles added, removed or changed while the bot runs, and the rebuilds they need, one at a time. */
  corpus: CorpusUpdates;
  /** Origins (scheme://host[:port]) that attachments are downloaded from: Discord's CDN. */
  attachmentOrigins: readonly string[];
}

/** One slash command: its registration payload and its handler (the discord.js guide's layout). */
export interface BotCommand {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  /** Suggestions for the focused option, for commands with autocomplete options. */
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

/** No message of the bot ever pings anyone, whatever an article or a question contains. */
export const NO_PINGS = { parse: [], repliedUser: false } as const;
