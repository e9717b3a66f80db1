import { openRuntime } from '../app/runtime.js';
import { createBot } from './bot.js';
import { createLogger } from './logger.js';
import { runShardManager } from './shard-manager.js';
import { shardingFromEnv } from './sharding-settings.js';
import { configOrExit, settingOrExit, startOrExit } from './startup.js';

export interface LaunchOptions {
  /** The script `npm start` runs; the sharding manager starts each shard process with it. */
  entry: string;
  /** Discord REST base URL; tests point it at their local stand-in. */
  restApi?: string;
}

/**
 * `npm start`: the bot in this process, or, when SHARDS (or SHARD_LIST with TOTAL_SHARDS) is set, the sharding
 * manager that runs one bot process per shard with this same entry. discord.js marks those processes with
 * SHARDING_MANAGER and sets SHARDS to the shard's id, so a shard never starts a manager of its own.
 */
export async function launch(options: LaunchOptions): Promise<void> {
  const config = configOrExit();
  const isShard = Boolean(process.env.SHARDING_MANAGER);
  const sharding = isShard ? null : settingOrExit(() => shardingFromEnv());
  const logger = createLogger(config.logLevel);
  if (sharding) {
    await runShardManager({ entry: options.entry, config, sharding, logger, restApi: options.restApi });
    return;
  }
  // Every line of a shard's log says which shard wrote it.
  const log = isShard ? logger.child({ shard: Number(process.env.SHARDS) }) : logger;
  try {
    const runtime = await openRuntime(config.core, (message) => log.info(message));
    const bot = createBot({ config, runtime, logger: log, restApi: options.restApi });
    const shutdown = async (signal: string) => {
      log.info({ signal }, 'shutting down');
      await bot.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    await startOrExit(bot, config, log);
  } catch (err) {
    // discord.js reports a rejected token as an Error whose message never contains the token itself.
    log.fatal({ err }, 'the bot could not start');
    process.stderr.write(`error: the bot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
