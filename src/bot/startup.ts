import 'dotenv/config';
import { ConfigError, loadBotConfig, type BotConfig } from './config.js';

/** Reads and validates the bot's settings; a bad one ends the process with one line naming it, exit code 1. */
export function configOrExit(): BotConfig {
  try {
    return loadBotConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  }
}
