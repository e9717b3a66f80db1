import { describe, expect, it } from 'vitest';
import { shardingFromEnv } from '../src/bot/sharding-settings.js';

describe('sharding settings', () => {
  it('are off unless SHARDS or SHARD_LIST is set', () => {
    expect(shardingFromEnv({})).toBeNull();
    expect(shardingFromEnv({ SHARDS: ' ' })).toBeNull();
  });

  it('SHARDS=auto or a number runs every shard here; SHARD_LIST with TOTAL_SHARDS runs this machine\'s part', () => {
    expect(shardingFromEnv({ SHARDS: 'auto' })).toEqual({ totalShards: 'auto', shardList: 'all' });
    expect(shardingFromEnv({ SHARDS: '4' })).toEqual({ totalShards: 4, shardList: 'all' });
    expect(shardingFromEnv({ SHARD_LIST: '2, 3', TOTAL_SHARDS: '4' })).toEqual({ totalShards: 4, shardList: [2, 3] });
    expect(shardingFromEnv({ SHARD_LIST: '0', TOTAL_SHARDS: '4', SHARDS: '4' })).toEqual({ totalShards: 4, shardList: [0] });
  });

  it('refuses what cannot work, in one sentence naming the setting', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ SHARDS: 'two' }, /^SHARDS must be auto or a whole number from 1 to 65536\.$/],
      [{ SHARDS: '0' }, /^SHARDS must be auto or a whole number/],
      [{ SHARD_LIST: '0,1' }, /^SHARD_LIST needs TOTAL_SHARDS/],
      [{ TOTAL_SHARDS: '4' }, /^TOTAL_SHARDS needs SHARD_LIST/],
      [{ SHARD_LIST: '0,4', TOTAL_SHARDS: '4' }, /^SHARD_LIST must be distinct shard ids from 0 to 3, separated by commas\.$/],
      [{ SHARD_LIST: '1,1', TOTAL_SHARDS: '4' }, /^SHARD_LIST must be distinct/],
      [{ SHARD_LIST: '0', TOTAL_SHARDS: '4', SHARDS: 'auto' }, /^SHARDS must be left empty with SHARD_LIST and TOTAL_SHARDS/],
    ];
    for (const [env, message] of cases) expect(() => shardingFromEnv(env), JSON.stringify(env)).toThrow(message);
  });
});
