import { once } from 'node:events';
import { ApplicationCommandOptionType, Client, Events, GatewayIntentBits, InteractionResponseType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { startDiscordStandIn, type DiscordStandIn } from './helpers/discord-stand-in.js';

/**
 * Runs `test` against a stand-in with one registered command, /pick, whose `item` option has autocomplete, and a
 * connected client; the client is destroyed before the stand-in closes (else it would try to reconnect).
 */
async function withPick(test: (standIn: DiscordStandIn, client: Client) => Promise<void>): Promise<void> {
  const standIn = await startDiscordStandIn();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.apiUrl } });
  try {
    const ready = once(client, Events.ClientReady);
    await client.login('test-token');
    await ready;
    await client.application!.commands.set(
      [
        {
          name: 'pick',
          description: 'Pick an item',
          options: [
            { name: 'item', description: 'The item', type: ApplicationCommandOptionType.String, autocomplete: true, required: true },
            { name: 'note', description: 'A note', type: ApplicationCommandOptionType.String },
          ],
        },
      ],
      standIn.guildId,
    );
    await test(standIn, client);
  } finally {
    await client.destroy();
    await standIn.close();
  }
}

/** Answers an autocomplete interaction with a raw type-8 callback, as a bot might get wrong. */
async function answer(s: DiscordStandIn, sent: { id: string; token: string }, data: unknown) {
  const response = await fetch(`${s.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data }),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

describe('stand-in: autocomplete', () => {
  it('delivers the focused option to discord.js and accepts up to 25 choices', () =>
    withPick(async (s, c) => {
      const received = new Promise<{ focused: string; value: string }>((resolve) =>
        c.on(Events.InteractionCreate, (i) => {
          if (i.isAutocomplete()) resolve({ focused: i.options.getFocused(true).name, value: i.options.getFocused() });
        }),
      );
      const sent = s.sendAutocomplete({ name: 'pick', focused: 'item', value: 'app' });
      expect(await received).toEqual({ focused: 'item', value: 'app' });
      const choices = Array.from({ length: 25 }, (_, i) => ({ name: `apple ${i}`, value: `apple-${i}` }));
      expect(await answer(s, sent, { choices })).toEqual({ status: 204, body: null });
    }));

  it('refuses 26 choices, names or values over 100 characters, and a second answer, like Discord', () =>
    withPick(async (s) => {
      const tooMany = s.sendAutocomplete({ name: 'pick', focused: 'item', value: '' });
      const many = await answer(s, tooMany, { choices: Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: `v${i}` })) });
      expect(many).toMatchObject({ status: 400, body: { code: 50035 } });
      const tooLong = s.sendAutocomplete({ name: 'pick', focused: 'item', value: '' });
      const long = await answer(s, tooLong, { choices: [{ name: 'x'.repeat(101), value: 'ok' }, { name: 'ok', value: 'y'.repeat(101) }] });
      expect(long.status).toBe(400);
      expect(JSON.stringify(long.body)).toMatch(/choices/);
      // A correct answer after the refusals is still the first acknowledgement; a second one is refused.
      expect((await answer(s, tooLong, { choices: [] })).status).toBe(204);
      expect(await answer(s, tooLong, { choices: [] })).toMatchObject({ status: 400, body: { code: 40060 } });
    }));

  it('will not send autocomplete for an option that has none', () =>
    withPick(async (s) => {
      expect(() => s.sendAutocomplete({ name: 'pick', focused: 'note', value: '' })).toThrow(/has no autocomplete/);
      expect(() => s.sendAutocomplete({ name: 'nope', focused: 'item', value: '' })).toThrow(/not registered/);
    }));
});

describe('stand-in: attachments', () => {
  it('serves an attachment at its signed address only, and counts what it sent', () =>
    withPick(async (s) => {
      const attachment = s.attachments.add(s.channelId, 'note.txt', 'hello there', { contentType: 'text/plain' });
      expect(attachment).toMatchObject({ filename: 'note.txt', size: 11, content_type: 'text/plain' });
      expect(new URL(attachment.url).pathname).toBe(`/attachments/${s.channelId}/${attachment.id}/note.txt`);
      expect(await (await fetch(attachment.url)).text()).toBe('hello there');
      const unsigned = new URL(attachment.url);
      unsigned.search = '';
      expect((await fetch(unsigned)).status).toBe(404);
      expect(s.attachments.downloads.map((d) => [d.status, d.bytesSent])).toEqual([
        [200, 11],
        [404, 0],
      ]);
    }));
});
