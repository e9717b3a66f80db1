import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { Logger } from 'pino';
import type { BotConfig } from './config.js';
import type { ShardingSettings } from './sharding-settings.js';

/** The tsx loader, by absolute URL, so each shard process runs the TypeScript entry as `npm start` does. */
const TSX = import.meta.resolve('tsx');
/**
 * A shard is ready once it has loaded its runtime (model, word lists) and connected; on a small, busy machine that
 * takes far longer than discord.js's 30 s default.
 */
const SHARD_READY_TIMEOUT_MS = 300_000;

export interface ShardManagerOptions {
  /** The script each shard process runs: `npm start`'s own entry, which runs the bot when started by the manager. */
  entry: string;
  config: BotConfig;
  sharding: ShardingSettings;
  logger: Logger;
  /** Discord REST base URL; tests point it at their local stand-in. */
  restApi?: string;
}

/**
 * Runs the bot as discord.js's ShardingManager: one process per shard of this machine, each a whole bot (its own
 * runtime and index service over the one index folder), restarted when it dies. Ends the process with code 1 and
 * one line when a shard cannot start.
 */
export async function runShardManager(options: ShardManagerOptions): Promise<void> {
  const { entry, config, sharding, logger } = options;
  const totalShards = sharding.totalShards === 'auto' ? await recommendedShardCount(config.token, options.restApi) : sharding.totalShards;
  const manager = new ShardingManager(entry, {
    token: config.token,
    totalShards,
    shardList: sharding.shardList === 'all' ? 'auto' : sharding.shardList,
    execArgv: ['--import', TSX],
    respawn: true,
  });
  manager.on('shardCreate', (shard) => {
    logger.info({ shard: shard.id, totalShards }, 'starting shard');
    shard.on('death', () => logger.warn({ shard: shard.id }, 'shard process ended; discord.js restarts it'));
  });
  const stopShards = () => {
    for (const shard of manager.shards.values()) shard.kill();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down the shards');
      stopShards();
      process.exit(0);
    });
  }
  try {
    await manager.spawn({ amount: totalShards, timeout: SHARD_READY_TIMEOUT_MS });
  } catch (err) {
    // The shard's own process has printed why (a bad setting, Discord refusing it); this says which one.
    const line = `shard start-up failed: ${err instanceof Error ? err.message : String(err)}`;
    logger.fatal({ err }, line);
    process.stderr.write(`error: ${line}\n`);
    stopShards();
    process.exit(1);
  }
  logger.info({ shards: [...manager.shards.keys()], totalShards }, 'all shards of this machine are connected');
}

/**
 * The shard count Discord recommends (GET /gateway/bot). discord.js's own `auto` asks discord.com whatever the
 * client's API base, so the bot asks through its REST client, the one tests point at the stand-in.
 */
async function recommendedShardCount(token: string, restApi?: string): Promise<number> {
  const rest = new REST(restApi ? { api: restApi } : {}).setToken(token);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return gateway.shards;
}
