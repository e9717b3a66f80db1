/**
 * Several processes, one index folder, against the Discord stand-in: two bot processes (each connected to its own
 * Discord server), `npm run index` beside them, and `npm start` under the sharding manager. Every bot here is a real
 * process started as `npm start` starts it. Pickups are awaited with generous deadlines; nothing asserts timings.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreSettings } from '../src/app/settings.js';
import { BOT_TOKEN, isCallback } from './helpers/bot-harness.js';
import { cites, eventually, finalEdit, startBotProcess, type BotProcess } from './helpers/bot-processes.js';
import { startDiscordStandIn, type DiscordStandIn, type DiscordStandInOptions } from './helpers/discord-stand-in.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import { shardOfGuild } from './helpers/stand-in-shards.js';

const QUENTON = {
  file: '030_quenton.md',
  title: 'Quenton harbour installs new cranes',
  question: 'What did the Quenton harbour authority say about the new cranes?',
  text: '---\ntitle: Quenton harbour installs new cranes\ndate: 2024-05-02\n---\nThe port of Quenton installed four new container cranes on Tuesday, the harbour authority said. The cranes will double the number of ships the harbour can unload each week, officials said.\n',
};
const BRINDLEMOOR = {
  file: '031_brindlemoor.md',
  title: 'Brindlemoor dairy cooperative opens cheese plant',
  question: 'What did the Brindlemoor dairy cooperative open?',
  text: '---\ntitle: Brindlemoor dairy cooperative opens cheese plant\ndate: 2024-05-03\n---\nThe Brindlemoor dairy cooperative opened a cheese plant on Friday, its chairman said. The plant will process milk from three hundred farms in the valley.\n',
};
const NOTHING = 'Nothing in the articles answers this question.';
const PICKUP_DEADLINE_MS = 90_000;

const processes: BotProcess[] = [];
const standIns: DiscordStandIn[] = [];
const roots: string[] = [];

afterEach(async () => {
  // Bots first: a client whose server vanishes tries to reconnect forever.
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await Promise.all(standIns.splice(0).map((s) => s.close()));
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

async function corpus(): Promise<CoreSettings & { root: string; corpusDir: string; indexDir: string }> {
  const core = await tempCorpus('shared-index-');
  roots.push(core.root);
  return core;
}

async function standIn(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const s = await startDiscordStandIn({ token: BOT_TOKEN, ...options });
  standIns.push(s);
  return s;
}

function bot(s: DiscordStandIn, core: CoreSettings & { root: string }, env: Record<string, string> = {}): BotProcess {
  const p = startBotProcess(s, core, env);
  processes.push(p);
  return p;
}

const isReady = (e: Record<string, unknown>) => e.msg === 'connected to Discord';

/** Asks until the answer cites `title`; every ask on the way must be answered, from the old index or the new. */
async function askUntilCited(s: DiscordStandIn, question: string, title: string): Promise<number> {
  const deadline = Date.now() + PICKUP_DEADLINE_MS;
  for (let asks = 1; ; asks++) {
    const body = (await finalEdit(s, s.sendSlashCommand({ name: 'ask', options: { question } }))).body;
    if (cites(body, title)) return asks;
    expect(body.content).toContain(NOTHING);
    if (Date.now() > deadline) throw new Error(`no answer citing "${title}" within ${PICKUP_DEADLINE_MS} ms (${asks} asks)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const generations = async (indexDir: string) => (await readdir(indexDir)).filter((e) => e.startsWith('gen-'));

describe('two bot processes sharing one index folder', () => {
  it('a /reindex in one is answered from in both; `npm run index` beside them is picked up while they answer', { timeout: 400_000 }, async () => {
    const core = await corpus();
    const [a, b] = [await standIn(), await standIn()];
    // Both start on an empty index folder: one builds, the other waits for that build and loads it.
    const [botA, botB] = [bot(a, core), bot(b, core)];
    await Promise.all([botA.waitForLog(isReady, 120_000, 'bot A connected'), botB.waitForLog(isReady, 120_000, 'bot B connected')]);

    for (const s of [a, b]) {
      const before = await finalEdit(s, s.sendSlashCommand({ name: 'ask', options: { question: QUENTON.question } }));
      expect(before.body.content).toContain(NOTHING);
    }
    // Exactly one built it: a process that found no index either built it or waited for the other's build.
    const logs = [...botA.logs(), ...botB.logs()].map((e) => String(e.msg));
    const foundNone = logs.filter((m) => /^No index in .* yet; building it/.test(m)).length;
    const waited = logs.filter((m) => /is rebuilding this index\. Waiting for it, then loading what it wrote\.$/.test(m)).length;
    expect(foundNone - waited).toBe(1);

    // /reindex in A: A answers from its own build, B picks the new generation up.
    await writeFile(path.join(core.corpusDir, QUENTON.file), QUENTON.text);
    const reindex = a.sendSlashCommand({ name: 'reindex', user: a.users.moderator });
    expect((await finalEdit(a, reindex)).body.content).toMatch(/\(added 1, changed 0, removed 0/);
    expect(cites((await finalEdit(a, a.sendSlashCommand({ name: 'ask', options: { question: QUENTON.question } }))).body, QUENTON.title)).toBe(true);
    await askUntilCited(b, QUENTON.question, QUENTON.title);
    await botB.waitForLog((e) => /^Switched to index generation gen-.*, written by another process\.$/.test(String(e.msg)), 30_000, 'B logs the pickup');

    // `npm run index` rebuilds while both serve: B is asked throughout the build, and every ask is answered.
    await writeFile(path.join(core.corpusDir, BRINDLEMOOR.file), BRINDLEMOOR.text);
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index-cmd.ts', '--index', core.indexDir, '--corpus', core.corpusDir], {
      env: { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let cliOut = '';
    cli.stdout.on('data', (d: Buffer) => (cliOut += d));
    const cliExit = once(cli, 'exit');
    let cliDone = false;
    void cliExit.then(() => (cliDone = true));
    const duringBuild: Array<Promise<unknown>> = [];
    while (!cliDone) {
      const sent = b.sendSlashCommand({ name: 'ask', options: { question: QUENTON.question } });
      duringBuild.push(b.waitForRequest(isCallback(sent), 10_000).then(() => finalEdit(b, sent)));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect((await cliExit)[0]).toBe(0);
    expect(cliOut).toMatch(/\(added 1, changed 0, removed 0/);
    // Acknowledged and answered, each one, from one index or the other (both cite Quenton).
    const answered = await Promise.all(duringBuild);
    expect(answered.length).toBeGreaterThan(0);
    for (const edit of answered) expect(cites((edit as Awaited<ReturnType<typeof finalEdit>>).body, QUENTON.title)).toBe(true);

    await askUntilCited(b, BRINDLEMOOR.question, BRINDLEMOOR.title);
    await askUntilCited(a, BRINDLEMOOR.question, BRINDLEMOOR.title);
    // Once both serve the newest generation, no process uses the older ones: they are gone from disk.
    await eventually(async () => (await generations(core.indexDir)).length === 1, 20_000, 'only the current generation left on disk');
    for (const d of [a, b]) expect(d.requests.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
  });
});

describe('npm start with SHARDS=auto', () => {
  it('runs one process per recommended shard; the guild\'s shard answers, a /reindex there reaches the other shard', { timeout: 400_000 }, async () => {
    const core = await corpus();
    const s = await standIn({ recommendedShards: 2 });
    const owner = shardOfGuild(s.guildId, 2);
    const manager = bot(s, core, { SHARDS: 'auto' });
    await manager.waitForLog((e) => e.msg === 'all shards of this machine are connected', 240_000, 'both shards connected');
    expect(s.identifies.map((i) => i.shard).sort()).toEqual([[0, 2], [1, 2]]);
    // Commands belong to the application: registered once, by shard 0.
    const registrations = s.requests.filter((r) => r.method === 'PUT' && /\/commands$/.test(r.path));
    expect(registrations).toHaveLength(1);

    const first = await finalEdit(s, s.sendSlashCommand({ name: 'ask', options: { question: QUENTON.question } }));
    expect(first.body.content).toContain(NOTHING);
    // The log line travels through a pipe, the reply through HTTP: either may arrive first.
    await manager.waitForLog((e) => e.msg === 'answered', 30_000, 'the answer in the log');
    expect(manager.logs().filter((e) => e.msg === 'answered').map((e) => e.shard)).toEqual([owner]);

    await writeFile(path.join(core.corpusDir, QUENTON.file), QUENTON.text);
    const reindex = s.sendSlashCommand({ name: 'reindex', user: s.users.moderator });
    expect((await finalEdit(s, reindex)).body.content).toMatch(/\(added 1, changed 0, removed 0/);
    expect(cites((await finalEdit(s, s.sendSlashCommand({ name: 'ask', options: { question: QUENTON.question } }))).body, QUENTON.title)).toBe(true);
    // The other shard serves no guild here, but it is a whole bot over the same folder: it switches too.
    await manager.waitForLog(
      (e) => e.shard === 1 - owner && /^Switched to index generation gen-.*, written by another process\.$/.test(String(e.msg)),
      PICKUP_DEADLINE_MS,
      'the other shard picks up the new generation',
    );
    expect(s.requests.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
  });
});
