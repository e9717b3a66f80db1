import { openRuntime } from '../app/runtime.js';
import { createBot } from './bot.js';
import { createLogger } from './logger.js';
import { configOrExit, startOrExit } from './startup.js';

const config = configOrExit();
const logger = createLogger(config.logLevel);
try {
  const runtime = await openRuntime(config.core, (message) => logger.info(message));
  const bot = createBot({ config, runtime, logger });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await startOrExit(bot, config, logger);
} catch (err) {
  // discord.js reports a rejected token as an Error whose message never contains the token itself.
  logger.fatal({ err }, 'the bot could not start');
  process.stderr.write(`error: the bot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
