/**
 * Sharding as Discord's gateway does it, for the stand-in (discord-stand-in.ts calls these at IDENTIFY, at READY
 * and for every dispatch):
 * - IDENTIFY may carry `shard: [shard_id, num_shards]`; without it the session is shard [0, 1]. A shard id outside
 *   0…num_shards-1, or anything but two whole numbers, closes the connection with 4010 Invalid shard.
 * - A guild's events go to shard `(guild_id >> 22) % num_shards` only, READY lists only that shard's guilds and only
 *   that shard gets their GUILD_CREATE; events outside any guild (direct messages) go to shard 0.
 * - `GET /gateway/bot` recommends `shards` (the stand-in's `recommendedShards` option).
 * See https://discord.com/developers/docs/events/gateway#sharding.
 */
export type ShardPair = readonly [shardId: number, shardCount: number];

/** Discord's limit on num_shards is far above anything a test uses; this catches garbage, not big bots. */
const MAX_SHARDS = 65_536;

/** The session's shard from an IDENTIFY's `shard` field, or null when Discord would close it with 4010. */
export function identifiedShard(shard: unknown): ShardPair | null {
  if (shard === undefined) return [0, 1];
  if (!Array.isArray(shard) || shard.length !== 2) return null;
  const [id, count] = shard as unknown[];
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  if (!whole(id) || !whole(count) || count < 1 || count > MAX_SHARDS || id < 0 || id >= count) return null;
  return [id, count];
}

/** The shard Discord sends this guild's events to. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Whether a dispatch with this data reaches the session of `shard`: by its guild, or shard 0 for no guild. */
export function shardReceives(shard: ShardPair, data: unknown): boolean {
  const guildId = typeof data === 'object' && data !== null ? (data as { guild_id?: unknown }).guild_id : undefined;
  if (typeof guildId !== 'string') return shard[0] === 0;
  return shardOfGuild(guildId, shard[1]) === shard[0];
}
