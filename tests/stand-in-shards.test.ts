import { once } from 'node:events';
import { Client, Events, GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, REST, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, waitFor } from './helpers/bot-harness.js';
import { startDiscordStandIn, type DiscordStandIn } from './helpers/discord-stand-in.js';
import { identifiedShard, shardOfGuild, shardReceives } from './helpers/stand-in-shards.js';

let standIn: DiscordStandIn | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await standIn?.close();
  standIn = undefined;
});

/** A discord.js client that runs only shard `id` of `count`, as one shard process of the ShardingManager does. */
async function shardClient(s: DiscordStandIn, id: number, count: number): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], shards: [id], shardCount: count, rest: { api: s.apiUrl } });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login(BOT_TOKEN);
  await ready;
  return client;
}

describe('the stand-in shards the gateway as Discord does', () => {
  it('routes a guild to shard (guild_id >> 22) % num_shards', () => {
    // 5 * 2^22 + 123: the low 22 bits (worker, process, increment) do not count; 5 % 4 = 1.
    expect(shardOfGuild(String(5 * 2 ** 22 + 123), 4)).toBe(1);
    expect(shardOfGuild(String(8 * 2 ** 22 + 4_194_303), 4)).toBe(0);
    expect(shardReceives([0, 2], {})).toBe(true); // no guild (a direct message): shard 0
    expect(shardReceives([1, 2], {})).toBe(false);
  });

  it('accepts [id, count] with 0 ≤ id < count, and nothing else', () => {
    expect(identifiedShard(undefined)).toEqual([0, 1]);
    expect(identifiedShard([1, 2])).toEqual([1, 2]);
    for (const bad of [[2, 2], [-1, 2], [0, 0], [0.5, 2], ['0', '2'], [0]]) expect(identifiedShard(bad)).toBeNull();
  });

  it('recommends the configured shard count at GET /gateway/bot', async () => {
    standIn = await startDiscordStandIn({ token: BOT_TOKEN, recommendedShards: 3 });
    const gateway = (await new REST({ api: standIn.apiUrl }).setToken(BOT_TOKEN).get(Routes.gatewayBot())) as { shards: number };
    expect(gateway.shards).toBe(3);
  });

  it("sends the guild and its events to its own shard's session only", { timeout: 30_000 }, async () => {
    standIn = await startDiscordStandIn({ token: BOT_TOKEN, recommendedShards: 2 });
    const owner = shardOfGuild(standIn.guildId, 2);
    const clientsByShard = [await shardClient(standIn, 0, 2), await shardClient(standIn, 1, 2)];
    expect(clientsByShard[owner].guilds.cache.has(standIn.guildId)).toBe(true);
    expect(clientsByShard[1 - owner].guilds.cache.size).toBe(0);

    const seen = [0, 0];
    clientsByShard.forEach((c, shard) => c.on(Events.MessageCreate, () => seen[shard]++));
    const message = standIn.sendMessage({ content: `<@${standIn.botUser.id}> hello` });
    expect(message.guild_id).toBe(standIn.guildId);
    await waitFor(() => seen[owner] === 1, 5_000, 'the owning shard gets the message');
    // Dispatched again (discord.js ignores a message id it has seen): one session of the two gets it.
    expect(standIn.dispatch(GatewayDispatchEvents.MessageCreate, message)).toBe(1);
    expect(seen[1 - owner]).toBe(0);
  });

  it('closes an IDENTIFY with a shard outside its count with 4010 Invalid shard', { timeout: 30_000 }, async () => {
    standIn = await startDiscordStandIn({ token: BOT_TOKEN });
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(standIn.gatewayUrl);
    await once(socket, 'message'); // HELLO
    socket.send(JSON.stringify({ op: 2, d: { token: BOT_TOKEN, intents: GatewayIntentBits.Guilds, properties: {}, shard: [2, 2] } }));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(GatewayCloseCodes.InvalidShard);
  });
});
