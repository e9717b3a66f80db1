import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  RESTEvents,
  RESTJSONErrorCodes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Message,
} from 'discord.js';
import type { Logger } from 'pino';
import { CorpusUpdates } from '../app/corpus-updates.js';
import type { Runtime } from '../app/runtime.js';
import { FeedbackStore } from '../feedback/feedback-store.js';
import { DISCORD_ATTACHMENT_ORIGINS } from './attachment-download.js';
import { COMMANDS } from './commands/index.js';
import { handleTimelineButton, isTimelineCustomId } from './commands/timeline.js';
import type { BotConfig } from './config.js';
import { NO_PINGS, type BotContext } from './context.js';
import { isFeedbackCustomId } from './feedback-buttons.js';
import { handleFeedbackClick } from './feedback-votes.js';
import { isMoreCustomId } from './more-button.js';
import { handleMoreClick } from './more-citations.js';
import { handleMessage } from './mention-handler.js';
import { addMessageContentForSettings } from './message-content-intent.js';
import { RateLimiter } from './rate-limiter.js';
import { SettingsStore } from '../settings/settings-store.js';
import { registerCommands } from './register.js';

export interface BotOptions {
  config: BotConfig;
  runtime: Runtime;
  logger: Logger;
  /** Discord REST base URL; tests point it at their local stand-in. */
  restApi?: string;
  /** Where attachments may be downloaded from; default Discord's CDN (tests: the stand-in's origin). */
  attachmentOrigins?: readonly string[];
}

export interface Bot {
  client: Client;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const FAILURE_MESSAGE = 'Sorry, something went wrong answering that; please try again later.';

/** Discord closed the gateway for good while the bot was connecting; `code` says why (4004 bad token, 4014 intent). */
export class GatewayClosedError extends Error {
  override name = 'GatewayClosedError';
  constructor(
    readonly code: number,
    cause: unknown,
  ) {
    super(`Discord closed the gateway with code ${code}`, { cause });
  }
}

export function createBot(options: BotOptions): Bot {
  const { config, runtime, logger } = options;
  const feedback = new FeedbackStore(config.databasePath, {
    onProblem: (problem) => logger[problem.transient ? 'warn' : 'error']({ code: problem.code }, `${problem.message} Feedback is not recorded meanwhile.`),
    onRecovered: () => logger.info({ file: config.databasePath }, 'the feedback database works again'),
  });
  const context: BotContext = {
    config,
    runtime,
    logger,
    rateLimiter: new RateLimiter(config.rateLimit.questions, config.rateLimit.windowSeconds * 1000),
    feedback,
    settings: new SettingsStore(feedback, {
      onReadProblem: (problem) => logger.warn({ code: problem.code }, `${problem.message} Channel settings fall back to their defaults meanwhile.`),
    }),
    corpus: new CorpusUpdates({
      index: runtime.index,
      corpusDir: config.core.corpusDir,
      maxUploadBytes: config.uploads.maxUploadBytes,
      maxArticleBytes: config.core.maxArticleBytes,
      log: logger,
    }),
    attachmentOrigins: options.attachmentOrigins ?? DISCORD_ATTACHMENT_ORIGINS,
  };
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
  // Privileged: only needed to read messages that do not mention the bot (see also addMessageContentForSettings).
  if (config.answerChannelIds.length) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    allowedMentions: NO_PINGS,
    ...(options.restApi ? { rest: { api: options.restApi } } : {}),
  });
  const commands = new Map(COMMANDS.map((c) => [c.data.name, c]));
  let stopFollowingIndex: (() => void) | null = null;

  client.once(Events.ClientReady, async (ready) => {
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord');
    // Commands belong to the application, not to a shard: the process running shard 0 registers them for all.
    if (!client.shard || client.shard.ids.includes(0)) {
      try {
        const count = await registerCommands(ready.rest, ready.application.id, config.guildId, COMMANDS);
        logger.info({ count, scope: config.guildId ? 'guild' : 'global' }, 'slash commands registered');
      } catch (err) {
        logger.error({ err }, 'could not register slash commands');
      }
    }
    // Load (or build) the index now, so the first question does not wait for it; then follow the generations
    // other processes (shards, `npm run index`) write.
    runtime.index.current().catch((err) => logger.error({ err }, 'could not load the index'));
    stopFollowingIndex ??= runtime.index.follow();
  });

  client.on(Events.InteractionCreate, async (interaction) => {
    if (interaction.isAutocomplete()) {
      const command = commands.get(interaction.commandName);
      // Suggestions that fail are only missing suggestions: Discord shows none, and the command still validates.
      await command?.autocomplete?.(interaction, context).catch((err) => logger.warn({ err, command: interaction.commandName }, 'autocomplete failed'));
      return;
    }
    if (interaction.isButton()) {
      // Buttons of older versions of the bot (or forged ids) still get an answer, not "interaction failed".
      const { customId } = interaction;
      const handle = BUTTONS.find(([owns]) => owns(customId))?.[1] ?? refuseUnknownButton;
      await handle(interaction, context).catch(async (err) => {
        logger.error({ err, customId: customId.slice(0, 100) }, 'button failed');
        await reportFailure(interaction).catch((e) => logger.error({ err: e }, 'could not report the failure'));
      });
      return;
    }
    if (!interaction.isChatInputCommand()) return;
    const command = commands.get(interaction.commandName);
    if (!command) {
      // A command registered by an older version of the bot: say so rather than leave "did not respond".
      logger.warn({ command: interaction.commandName }, 'unknown command');
      await interaction
        .reply({ content: 'That command no longer exists; see /help.', flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS })
        .catch((err) => logger.error({ err }, 'could not answer an unknown command'));
      return;
    }
    try {
      await command.execute(interaction, context);
    } catch (err) {
      logger.error({ err, command: interaction.commandName }, 'command failed');
      await reportFailure(interaction).catch((e) => logger.error({ err: e }, 'could not report the failure'));
    }
  });

  client.on(Events.MessageCreate, async (message: Message) => {
    try {
      await handleMessage(message, context);
    } catch (err) {
      if (isMissingPermission(err)) {
        // Permissions changed after the cache saw them: an apology would be refused just the same.
        logger.warn({ err, channel: message.channelId, message: message.id }, 'cannot answer in this channel: Discord refused (403)');
        return;
      }
      logger.error({ err, message: message.id }, 'mention failed');
      await message.reply({ content: FAILURE_MESSAGE, allowedMentions: NO_PINGS }).catch(() => {});
    }
  });

  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  // discord.js waits out a 429 and retries by itself; say so, so that slow replies are explained in the log.
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn({ route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global }, 'rate limited by Discord'),
  );

  return {
    client,
    async start() {
      // discord.js rejects login with a bare message; the close code is what tells the operator what to fix.
      let closeCode: number | null = null;
      const onDisconnect = (event: { code: number }) => (closeCode = event.code);
      client.on(Events.ShardDisconnect, onDisconnect);
      if (config.uploads.watchCorpus) context.corpus.watch();
      try {
        await addMessageContentForSettings(client, config.token, context, logger);
        await client.login(config.token);
      } catch (err) {
        throw closeCode === null ? err : new GatewayClosedError(closeCode, err);
      } finally {
        client.off(Events.ShardDisconnect, onDisconnect);
      }
    },
    async stop() {
      context.corpus.stopWatching();
      stopFollowingIndex?.();
      stopFollowingIndex = null;
      await client.destroy();
      context.feedback.close();
    },
  };
}

function isMissingPermission(err: unknown): boolean {
  return (
    err instanceof DiscordAPIError &&
    (err.code === RESTJSONErrorCodes.MissingPermissions || err.code === RESTJSONErrorCodes.MissingAccess)
  );
}

/** Which handler answers a button, by the prefix of the custom id it put there. */
const BUTTONS: ReadonlyArray<[owns: (customId: string) => boolean, handle: (interaction: ButtonInteraction, context: BotContext) => Promise<void>]> = [
  [isTimelineCustomId, handleTimelineButton],
  [isFeedbackCustomId, handleFeedbackClick],
  [isMoreCustomId, handleMoreClick],
];

async function refuseUnknownButton(interaction: ButtonInteraction, context: BotContext): Promise<void> {
  context.logger.warn({ customId: interaction.customId.slice(0, 100), user: interaction.user.id }, 'unknown button');
  await interaction.reply({ content: 'That button no longer works.', flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}

/** One short ephemeral line, whatever state the interaction is in. */
async function reportFailure(interaction: ChatInputCommandInteraction | ButtonInteraction): Promise<void> {
  const message = { content: FAILURE_MESSAGE, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(message);
    return;
  }
  if (interaction.ephemeral) {
    await interaction.editReply({ content: FAILURE_MESSAGE, allowedMentions: NO_PINGS });
    return;
  }
  // A public "thinking…" reply cannot turn ephemeral: remove it and say it privately. (A button's reply is the
  // message the button sits on, an answer: never removed.)
  if (interaction.isChatInputCommand()) await interaction.deleteReply().catch(() => {});
  await interaction.followUp(message);
}
