import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { indexGeneration } from './helpers/bot-harness.js';
import { botSuite } from './helpers/bot-suite.js';
import { startHolder, type Holder } from './helpers/holder-process.js';

const suite = botSuite();
let holder: Holder | undefined;

afterEach(async () => {
  await holder?.kill();
  holder = undefined;
});

describe('/reindex while another process rebuilds the index folder', () => {
  it('says so privately in one sentence naming its pid, builds nothing, and works once the lock is free', { timeout: 120_000 }, async () => {
    const h = await suite.start();
    holder = await startHolder('lock', suite.core.indexDir);
    const before = await indexGeneration(suite.core.indexDir);
    await appendFile(path.join(suite.core.corpusDir, '004_6c860c4a14f93851.txt'), '\n\nLavrov later repeated the call for a ceasefire.\n');

    const refused = h.command('reindex', { user: h.standIn.users.moderator });
    const deferred = await h.callback(refused);
    expect(deferred.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(deferred.body.data?.flags).toBe(MessageFlags.Ephemeral);
    const edit = await h.originalEdit(refused, (b) => !b.content?.startsWith('Reindexing'));
    expect(edit.body.content).toBe(
      `Another process (pid ${holder.pid}) is rebuilding this index. Wait for it to finish; its index is then used here too.`,
    );
    expect(await indexGeneration(suite.core.indexDir)).toBe(before);
    // Expected, so a warning, not an error; the pid is in the log for the operator.
    expect(h.log.entries().some((e) => e.msg === 'reindex refused: another process holds the index writer lock' && e.level === 40)).toBe(true);

    await holder.kill(); // kill -9: its lock stays behind, naming a pid that is gone
    const retried = h.command('reindex', { user: h.standIn.users.moderator });
    expect((await h.originalEdit(retried, (b) => !b.content?.startsWith('Reindexing'), 90_000)).body.content).toMatch(/changed 1\b/);
    expect(await indexGeneration(suite.core.indexDir)).not.toBe(before);
  });
});
