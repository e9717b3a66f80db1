/**
 * `npm start`'s start-up path (settings → createBot → startOrExit) pointed at a Discord stand-in, for tests that
 * need the real process: its exit code and what it prints. STAND_IN_API_URL is the stand-in's `apiUrl`.
 */
import type { Runtime } from '../../src/app/runtime.js';
import { createBot } from '../../src/bot/bot.js';
import { createLogger } from '../../src/bot/logger.js';
import { configOrExit, startOrExit } from '../../src/bot/startup.js';

const config = configOrExit();
const logger = createLogger(config.logLevel);
// The runtime is first used once the bot is ready; these tests are about connecting, so none is loaded.
const runtime = {} as Runtime;
const bot = createBot({ config, runtime, logger, restApi: process.env.STAND_IN_API_URL });
await startOrExit(bot, config, logger);
process.stdout.write('connected\n');
await bot.stop();
process.exit(0);
