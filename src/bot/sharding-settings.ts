import { ConfigError, wholeNumber } from '../app/settings.js';

/** How `npm start` shards the bot (discord.js ShardingManager, one process per shard); null when it does not. */
export interface ShardingSettings {
  /** Shards across all machines: a number, or `auto` for the count Discord recommends (GET /gateway/bot). */
  totalShards: number | 'auto';
  /** The shard ids this machine runs; `all` for every one. */
  shardList: number[] | 'all';
}

/** Discord's shard ids are whole numbers; a count past this is a typo, not a bot. */
const MAX_SHARDS = 65_536;

/**
 * Reads SHARDS (`auto` or a number: every shard on this machine) or TOTAL_SHARDS with SHARD_LIST (this machine's
 * part of a bot split across machines). Throws ConfigError naming the setting. Not for a shard's own process:
 * there discord.js sets SHARDS to that shard's id.
 */
export function shardingFromEnv(env: NodeJS.ProcessEnv = process.env): ShardingSettings | null {
  const shards = env.SHARDS?.trim() ?? '';
  const list = env.SHARD_LIST?.trim() ?? '';
  const total = env.TOTAL_SHARDS?.trim() ?? '';
  if (!list && total) throw new ConfigError('TOTAL_SHARDS needs SHARD_LIST: the shard ids this machine runs (e.g. 0,1).');
  if (list) {
    if (!total) throw new ConfigError('SHARD_LIST needs TOTAL_SHARDS: the number of shards across all machines.');
    const totalShards = wholeNumber(env, 'TOTAL_SHARDS', 1, 1, MAX_SHARDS);
    if (shards && shards !== String(totalShards)) {
      throw new ConfigError('SHARDS must be left empty with SHARD_LIST and TOTAL_SHARDS (every machine must agree on one fixed count).');
    }
    return { totalShards, shardList: shardIds(list, totalShards) };
  }
  if (!shards) return null;
  if (shards === 'auto') return { totalShards: 'auto', shardList: 'all' };
  if (!/^\d+$/.test(shards) || Number(shards) < 1 || Number(shards) > MAX_SHARDS) {
    throw new ConfigError(`SHARDS must be auto or a whole number from 1 to ${MAX_SHARDS}.`);
  }
  return { totalShards: Number(shards), shardList: 'all' };
}

function shardIds(list: string, totalShards: number): number[] {
  const ids = list.split(',').map((s) => s.trim());
  const valid = ids.every((id) => /^\d+$/.test(id) && Number(id) < totalShards);
  if (!valid || new Set(ids.map(Number)).size !== ids.length) {
    throw new ConfigError(`SHARD_LIST must be distinct shard ids from 0 to ${totalShards - 1}, separated by commas.`);
  }
  return ids.map(Number);
}
