import 'dotenv/config';
import { GatewayCloseCodes } from 'discord.js';
import type { Logger } from 'pino';
import { GatewayClosedError, type Bot } from './bot.js';
import { ConfigError, loadBotConfig, type BotConfig } from './config.js';

/** Reads and validates the bot's settings; a bad one ends the process with one line naming it, exit code 1. */
export function configOrExit(): BotConfig {
  return settingOrExit(() => loadBotConfig());
}

/** Runs `read`; a ConfigError ends the process with its one line, exit code 1. */
export function settingOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  }
}

/** Connects the bot; if Discord refuses, ends the process with one line saying what to fix, exit code 1. */
export async function startOrExit(bot: Bot, config: BotConfig, logger: Logger): Promise<void> {
  try {
    await bot.start();
  } catch (err) {
    const line = startupFailure(err, config);
    logger.fatal({ err }, line);
    process.stderr.write(`error: ${line}\n`);
    process.exit(1);
  }
}

/** What the operator should do about a failed start, in one sentence (never containing the token). */
export function startupFailure(err: unknown, config: BotConfig): string {
  if (err instanceof GatewayClosedError && err.code === GatewayCloseCodes.DisallowedIntents) {
    // Message Content is the only privileged intent the bot ever asks for, and only for answer channels.
    const why = config.answerChannelIds.length ? ' (ANSWER_CHANNEL_IDS needs it; unset that setting to run without it)' : '';
    return (
      'Discord refused the privileged Message Content intent (gateway close 4014): enable it in the developer portal ' +
      `under Applications → your bot → Bot → Privileged Gateway Intents → Message Content Intent${why}.`
    );
  }
  return `the bot could not start: ${err instanceof Error ? err.message : String(err)}`;
}
