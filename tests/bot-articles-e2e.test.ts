/**
 * /add and /remove end to end: the real discord.js client against the stand-in, attachments downloaded from the
 * stand-in's CDN on 127.0.0.1, autocomplete answered within Discord's limits, the index updated with only the new
 * articles, and the corpus folder watched.
 */
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType, MessageFlags, type APIAttachment } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../src/index/store.js';
import { isCallback, waitFor, type BotHarness, type MessageBody } from './helpers/bot-harness.js';
import { botSuite } from './helpers/bot-suite.js';
import { attachmentOptions } from './helpers/stand-in-attachments.js';

const suite = botSuite();

const HARBOUR = [
  'Harbour of Port Alder reopens after storm',
  '',
  'The harbour of Port Alder reopened on Tuesday, five days after a storm damaged its breakwater and sank two fishing boats.',
  '',
  'Engineers said repairs to the breakwater would take months, and ferries will run a reduced timetable until then.',
].join('\n');

const PAGE = `<!doctype html><html><head><title>Glacier museum opens in Tromsø</title></head><body>
<nav>Home | Culture</nav><article><h1>Glacier museum opens in Tromsø</h1>
<p>A museum devoted to Arctic glaciers opened in Tromsø on Friday, with ice cores drilled on Svalbard in its cellar.</p>
<p>The curator said forty thousand visitors are expected in its first year.</p></article></body></html>`;

/** A real 1×1 PNG, as a phone would upload it. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const moderator = (h: BotHarness) => ({ user: h.standIn.users.moderator });

/** Sends /add with these files (by option name) as the moderator, unless `as` says otherwise. */
function sendAdd(h: BotHarness, files: Record<string, APIAttachment>, extra: { title?: string; as?: 'regular' } = {}) {
  const { options, resolved } = attachmentOptions(files, extra.title ? { title: extra.title } : {});
  const user = extra.as === 'regular' ? h.standIn.users.regular : h.standIn.users.moderator;
  return h.command('add', { user, options, resolved });
}

const attach = (h: BotHarness, name: string, content: Buffer | string, options = {}) => h.standIn.attachments.add(h.standIn.channelId, name, content, options);

/** The reply once the work is done (progress edits start with "Reindexing…"). */
async function finalReply(h: BotHarness, sent: { applicationId: string; token: string }, timeoutMs = 60_000): Promise<string> {
  const edit = await h.originalEdit(sent, (b: MessageBody) => !(b.content ?? '').startsWith('Reindexing'), timeoutMs);
  return edit.body.content ?? '';
}

async function corpusFiles(): Promise<string[]> {
  return (await readdir(suite.core.corpusDir)).sort();
}

describe('/add', () => {
  it('adds a text and an HTML article from attachments, indexes only them, and answers from them', async () => {
    const h = await suite.start();
    const before = await corpusFiles();
    const sent = sendAdd(h, { file: attach(h, 'harbour.txt', HARBOUR, { contentType: 'text/plain' }), file2: attach(h, 'museum.html', PAGE) });
    // Deferred at once and privately.
    const callback = await h.callback(sent);
    expect(callback.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callback.body.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(callback.time - sent.dispatchedAt).toBeLessThan(3_000);

    const reply = await finalReply(h, sent);
    expect(reply).toBe(
      [
        'Added “Harbour of Port Alder reopens after storm” as `harbour-of-port-alder-reopens-after-storm.md` (1 passage).',
        'Added “Glacier museum opens in Tromsø” as `glacier-museum-opens-in-tromso.md` (1 passage).',
      ].join('\n'),
    );
    expect(await corpusFiles()).toEqual([...before, 'glacier-museum-opens-in-tromso.md', 'harbour-of-port-alder-reopens-after-storm.md'].sort());
    // Only the two new articles were embedded: every other article kept its vectors.
    const updated = h.log.entries().find((e) => Array.isArray(e.added) && (e.added as string[]).includes('glacier-museum-opens-in-tromso.md'));
    expect(updated).toMatchObject({ changed: [], removed: [], unchanged: before.length });
    expect(h.standIn.attachments.downloads.map((d) => [d.status, d.abandoned])).toEqual([[200, false], [200, false]]);

    const ask = h.ask('When did the harbour of Port Alder reopen?');
    const answer = await h.originalEdit(ask);
    expect(JSON.stringify(answer.body.embeds)).toContain('harbour-of-port-alder-reopens-after-storm.md');
    expect(h.log.text()).not.toContain('corpus folder changed'); // not watching in this test
  });

  it('is refused for a member who is not a moderator, before anything is downloaded or written', async () => {
    const h = await suite.start();
    const before = await corpusFiles();
    const sent = sendAdd(h, { file: attach(h, 'sneaky.txt', HARBOUR.replace('Port Alder', 'Port Birch')) }, { as: 'regular' });
    const callback = await h.callback(sent);
    expect(callback.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'Only moderators (Manage Server, or a moderator role) can add articles.', flags: MessageFlags.Ephemeral },
    });
    expect(h.standIn.attachments.downloads).toEqual([]);
    expect(await corpusFiles()).toEqual(before);
  });

  it('answers one sentence per refused file and adds the good one; nothing indexed is lost', async () => {
    const h = await suite.start();
    const documentsBefore = Object.keys((await suite.runtime.index.current()).manifest.documents).length;
    const seed = await readFile(path.join(suite.core.corpusDir, '001_dd448b168f52a1ce.txt'), 'utf8');
    const files = {
      file: attach(h, 'photo.txt', Buffer.from(ONE_PIXEL_PNG, 'base64')),
      file2: attach(h, 'copy.md', `---\ntitle: A copy\n---\n${seed}`),
      file3: attach(h, 'bridge.md', '# Bridge over the Alder river closes for repairs\n\nThe bridge over the Alder river closed on Monday for six weeks of repairs to its deck, the city said.'),
    };
    const sent = sendAdd(h, files);
    const reply = await finalReply(h, sent);
    expect(reply.split('\n')).toEqual([
      'Added “Bridge over the Alder river closes for repairs” as `bridge-over-the-alder-river-closes-for-repairs.md` (1 passage).',
      'Not added: "photo.txt" is a .png file (image/png), not text.',
      'Not added: "copy.md" has the same text as 001_dd448b168f52a1ce.txt, already in the corpus.',
    ]);
    const snapshot = await suite.runtime.index.current();
    expect(Object.keys(snapshot.manifest.documents)).toHaveLength(documentsBefore + 1);
    // What is on disk loads with every check a start-up makes.
    await expect(loadSnapshot(suite.core.indexDir, suite.runtime.embedder)).resolves.toBeTruthy();
  });

  it('never downloads past the upload limit, whatever size the payload declares, nor from anywhere but the CDN', async () => {
    const h = await suite.start({ env: () => ({ MAX_UPLOAD_BYTES: '20000' }) });
    const big = Buffer.from(`Big story headline line\n\n${'All work and no play. '.repeat(20_000)}`);
    const declaredBig = attach(h, 'declared.txt', big);
    // A forged payload claims a small size and the server sends no length: reading stops past the limit.
    const lying = attach(h, 'lying.txt', big, { declaredSize: 1000, omitContentLength: true });
    const elsewhere = { ...attach(h, 'elsewhere.txt', HARBOUR), url: 'http://169.254.169.254/latest/meta-data/x.txt' };
    const before = await corpusFiles();
    const sent = sendAdd(h, { file: declaredBig, file2: lying, file3: elsewhere });
    const reply = await finalReply(h, sent);
    expect(reply.split('\n')).toEqual([
      'Not added: "declared.txt" is 0.4 MiB (440,025 bytes), over the 19.5 KiB (20,000 bytes) upload limit (MAX_UPLOAD_BYTES).',
      expect.stringMatching(/^Not added: "lying\.txt" is at least \d+\.\d KiB \([\d,]+ bytes\), over the 19\.5 KiB \(20,000 bytes\) upload limit \(MAX_UPLOAD_BYTES\)\.$/),
      'Not added: "elsewhere.txt" is not a Discord attachment, so it was not downloaded.',
    ]);
    // The declared-too-big file was never requested; the lying one was abandoned long before its end.
    const downloads = h.standIn.attachments.downloads;
    expect(downloads.map((d) => path.basename(d.path))).toEqual(['lying.txt']);
    await waitFor(() => downloads[0].abandoned, 2_000, 'the download to be dropped');
    expect(downloads[0].bytesSent).toBeLessThan(big.length / 2);
    expect(await corpusFiles()).toEqual(before);
  });

  it('refuses a title given for several files in one sentence', async () => {
    const h = await suite.start();
    const sent = sendAdd(h, { file: attach(h, 'a.txt', HARBOUR), file2: attach(h, 'b.html', PAGE) }, { title: 'One title' });
    expect(await finalReply(h, sent)).toBe('A title can only be given when adding a single file.');
    expect(h.standIn.attachments.downloads).toEqual([]);
  });
});

describe('/remove', () => {
  it('suggests matching corpus files to moderators only, within Discord’s limits', async () => {
    const h = await suite.start();
    const typed = h.standIn.sendAutocomplete({ name: 'remove', focused: 'source', value: '00', ...moderator(h) });
    const answer = await h.standIn.waitForRequest(isCallback(typed), 5_000);
    expect(answer.status).toBe(204);
    const body = answer.body as { type: number; data: { choices: Array<{ name: string; value: string }> } };
    expect(body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const files = (await corpusFiles()).filter((f) => f.startsWith('00'));
    expect(body.data.choices.map((c) => c.value)).toEqual(files);
    const lavrov = body.data.choices.find((c) => c.value === '000_d618012357f11240.txt')!;
    expect(lavrov.name).toMatch(/^000_d618012357f11240\.txt — Russian Foreign Sergey Lavrov/);
    expect(lavrov.name.length).toBeLessThanOrEqual(100);

    // Typing part of a title finds the file; a member who is not a moderator gets no suggestions.
    const byTitle = h.standIn.sendAutocomplete({ name: 'remove', focused: 'source', value: 'LAVROV', ...moderator(h) });
    const titled = (await h.standIn.waitForRequest(isCallback(byTitle), 5_000)).body as typeof body;
    expect(titled.data.choices.length).toBeGreaterThan(0);
    const regular = h.standIn.sendAutocomplete({ name: 'remove', focused: 'source', value: '' });
    expect(((await h.standIn.waitForRequest(isCallback(regular), 5_000)).body as typeof body).data.choices).toEqual([]);
  });

  it('offers at most 25 choices even when more files match', async () => {
    const h = await suite.start();
    const extra = Array.from({ length: 30 }, (_, i) => `zz-extra-${String(i).padStart(2, '0')}.txt`);
    for (const name of extra) await writeFile(path.join(suite.core.corpusDir, name), `Extra headline number ${name}\n\nSome text for ${name}.`);
    try {
      const typed = h.standIn.sendAutocomplete({ name: 'remove', focused: 'source', value: 'zz-extra', ...moderator(h) });
      const body = (await h.standIn.waitForRequest(isCallback(typed), 5_000)).body as { data: { choices: Array<{ value: string }> } };
      expect(body.data.choices.map((c) => c.value)).toEqual(extra.slice(0, 25));
    } finally {
      for (const name of extra) await unlink(path.join(suite.core.corpusDir, name));
    }
  });

  it('removes one article and updates the index; a missing file or a path gets one sentence', async () => {
    const h = await suite.start();
    const documentsBefore = Object.keys((await suite.runtime.index.current()).manifest.documents).length;
    const missing = h.command('remove', { ...moderator(h), options: { source: 'no-such-article.txt' } });
    expect(await finalReply(h, missing)).toBe('There is no article "no-such-article.txt" in the corpus.');
    const escape = h.command('remove', { ...moderator(h), options: { source: '../../.env' } });
    expect(await finalReply(h, escape)).toBe('"../../.env" is a path; give the article\'s file name as /sources lists it.');

    const sent = h.command('remove', { ...moderator(h), options: { source: '002_24ce755addd3eb41.txt' } });
    const reply = await finalReply(h, sent);
    expect(reply).toMatch(/^Removed `002_24ce755addd3eb41\.txt` \(“.+”\); the index now holds \d+ articles\.$/);
    expect(reply).toContain(`holds ${documentsBefore - 1} articles`);
    expect(await corpusFiles()).not.toContain('002_24ce755addd3eb41.txt');
    expect((await suite.runtime.index.current()).manifest.documents['002_24ce755addd3eb41.txt']).toBeUndefined();
    const refused = h.command('remove', { options: { source: '003_59b5f704395a9f78.txt' } });
    expect((await h.callback(refused)).body.data?.content).toBe('Only moderators (Manage Server, or a moderator role) can remove articles.');
    expect(await corpusFiles()).toContain('003_59b5f704395a9f78.txt');
  });
});

describe('watching the corpus folder', () => {
  it('picks up a file written by other means, logs what changed, and does not rebuild again for its own /add', async () => {
    const h = await suite.start({ env: () => ({ WATCH_CORPUS: 'true' }) });
    expect(h.log.entries().some((e) => e.msg === 'watching the corpus folder for changes')).toBe(true);
    await writeFile(path.join(suite.core.corpusDir, 'dropped-in.md'), '# Ferry line to Port Alder resumes\n\nThe ferry line to Port Alder resumed on Sunday after the storm repairs.');
    await waitFor(() => h.log.entries().some((e) => typeof e.msg === 'string' && e.msg.startsWith('index updated after a corpus change')), 30_000, 'the watcher to update the index');
    const update = h.log.entries().find((e) => String(e.msg).startsWith('index updated after a corpus change'))!;
    expect(update).toMatchObject({ added: ['dropped-in.md'], changed: [], removed: [] });
    expect((await suite.runtime.index.current()).manifest.documents['dropped-in.md']).toBeDefined();

    const sent = sendAdd(h, { file: attach(h, 'lighthouse.md', '# Lighthouse keeper retires after forty years\n\nThe keeper of the Alder lighthouse retired on Saturday after forty years.') });
    expect(await finalReply(h, sent)).toMatch(/^Added “Lighthouse keeper retires after forty years”/);
    // The watcher saw the new file, recognised it as the bot's own and left the index alone.
    await waitFor(() => h.log.entries().some((e) => e.msg === 'corpus change made by this bot: already indexed'), 10_000, 'the watcher to see the /add');
    expect(h.log.entries().filter((e) => e.msg === 'corpus folder changed: updating the index')).toHaveLength(1);
  });

  it('is off with WATCH_CORPUS=false', async () => {
    const h = await suite.start({ env: () => ({ WATCH_CORPUS: 'false' }) });
    expect(h.log.entries().some((e) => e.msg === 'watching the corpus folder for changes')).toBe(false);
  });
});
