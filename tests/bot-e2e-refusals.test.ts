/**
 * The bot against what Discord refuses: a privileged intent the application has not enabled (4014), an interaction
 * token that expires during a long /reindex (401 / 50027), rate-limited progress edits (429), and a channel where it
 * may not send (403 / 50013). The real createBot + discord.js against the stand-in, which answers as Discord does;
 * the assertions count what reached "Discord" and what the log says.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InteractionResponseType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { Runtime } from '../src/app/runtime.js';
import type { CoreSettings } from '../src/app/settings.js';
import { IndexService } from '../src/index/index-service.js';
import { startDiscordStandIn, type DiscordStandIn, type RecordedRequest } from './helpers/discord-stand-in.js';
import { seedRuntimeForFile } from './helpers/bot-suite.js';
import { tempCorpus } from './helpers/seed-runtime.js';
import {
  BOT_TOKEN,
  isChannelPost,
  isOriginalEdit,
  messagePayloads,
  slowEmbedder,
  startBotHarness,
  type BotHarness,
  type BotHarnessOptions,
  type MessageBody,
  waitFor,
} from './helpers/bot-harness.js';

const IRAN = 'what did Lavrov say about Iran?';

const seeds = seedRuntimeForFile();
const { roots } = seeds;
let core: CoreSettings & { root: string };
let runtime: Runtime;
beforeAll(() => void ({ core, runtime } = seeds));
let harness: BotHarness | undefined;
let standIn: DiscordStandIn | undefined;
/** Error log messages the running test provokes on purpose. */
let expectedErrors: string[] = [];

afterEach(async () => {
  const h = harness;
  harness = undefined;
  await standIn?.close();
  standIn = undefined;
  if (!h) return;
  await h.close();
  // Whatever Discord refused, nobody was pinged and the token never reached the log.
  for (const { request, body } of messagePayloads(h.standIn.requests)) {
    expect(body.allowed_mentions?.parse, `${request.method} ${request.path}`).toEqual([]);
  }
  expect(h.log.text()).not.toContain(BOT_TOKEN);
  const errors = h.log.entries().filter((e) => (e.level as number) >= 50 && !expectedErrors.includes(String(e.msg)));
  expectedErrors = [];
  expect(errors).toEqual([]);
});

async function start(options: Partial<BotHarnessOptions> = {}): Promise<BotHarness> {
  harness = await startBotHarness({ runtime, core, ...options });
  return harness;
}

/**
 * A private corpus and index whose next reindex takes seconds: `articles` new articles of 1,600 sentences each
 * (several embedding batches apiece) and a model that waits `delayMs` per batch.
 */
async function slowReindexSetup(delayMs: number, articles = 1) {
  const own = await tempCorpus();
  roots.push(own.root);
  const slow = slowEmbedder(runtime.embedder, 0);
  const index = new IndexService({ corpusDir: own.corpusDir, indexDir: own.indexDir, embedder: slow });
  await index.current();
  for (let a = 0; a < articles; a++) {
    const text = Array.from({ length: 1600 }, (_, i) => `At briefing ${i + 1} in Moscow, Lavrov spoke about border ${a}.`).join(' ');
    await writeFile(path.join(own.corpusDir, `briefings-${a}.txt`), `Briefings ${a}\n\n${text}\n`);
  }
  slow.delayMs = delayMs;
  return { own, index, slowRuntime: { ...runtime, embedder: slow, index } as Runtime };
}

const webhookCallsOf = (token: string) => (r: RecordedRequest) => r.path.startsWith('/webhooks/') && r.path.includes(`/${token}`);

describe('the bot where Discord refuses', () => {
  it('4014: start-up ends with one line naming the Message Content intent to enable, exit code 1', async () => {
    standIn = await startDiscordStandIn({ token: BOT_TOKEN }); // the application has no privileged intent enabled
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DOTENV_CONFIG_PATH: '/nonexistent/.env',
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_GUILD_ID: standIn.guildId,
      ANSWER_CHANNEL_IDS: standIn.channelId, // answer channels need the Message Content intent
      LOG_LEVEL: 'silent',
      STAND_IN_API_URL: standIn.apiUrl,
      DATABASE_PATH: path.join(core.root, 'feedback.sqlite'), // not the repository's .data/
    };
    const tsx = path.resolve('node_modules/.bin/tsx');
    const result = await promisify(execFile)(tsx, ['tests/helpers/bot-process.ts'], { env, timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
    );

    expect(standIn.identifies).toHaveLength(1); // it did ask, and was refused once, not retried
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Discord refused the privileged Message Content intent \(gateway close 4014\)/);
    expect(lines[0]).toContain('Privileged Gateway Intents → Message Content Intent');
    expect(lines[0]).toContain('ANSWER_CHANNEL_IDS');
    expect(result.stdout).not.toContain('connected');
    expect(result.stdout + result.stderr).not.toContain(BOT_TOKEN);
  });

  it('the same bot without answer channels asks for no privileged intent and connects', async () => {
    const h = await start(); // the stand-in's application has no privileged intent enabled
    expect(h.standIn.identifies[0].intents & (1 << 15)).toBe(0);
    expect(h.log.entries().some((e) => e.msg === 'connected to Discord')).toBe(true);
  });

  it('/reindex outliving its interaction token posts the summary to the channel and stops editing progress', async () => {
    // Batches of 1.2 s: the reindex takes several seconds, well past the token's 1.5 s. With 400 ms it sometimes
    // finished in 1.49 s, just before the token expired, and the summary was (rightly) an edit, not a channel post.
    const { own, slowRuntime } = await slowReindexSetup(1_200);
    const tokenLifetimeMs = 1_500;
    const h = await start({ runtime: slowRuntime, core: own, standIn: { interactionTokenLifetimeMs: tokenLifetimeMs } });
    const sent = h.command('reindex', { user: h.standIn.users.moderator });
    expect((await h.callback(sent)).body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });

    const summary = await h.standIn.waitForRequest(
      (r) => isChannelPost(h.standIn.channelId)(r) && ((r.body as MessageBody).content ?? '').startsWith('/reindex finished:'),
      30_000,
    );
    expect(summary.status).toBe(200);
    expect((summary.body as MessageBody).content).toMatch(/added 1\b/);
    expect((summary.body as MessageBody).message_reference).toBeUndefined();
    expect(summary.time - sent.dispatchedAt).toBeGreaterThan(tokenLifetimeMs); // it really outlived the token

    const webhookCalls = h.standIn.requests.filter(webhookCallsOf(sent.token));
    const refused = webhookCalls.filter((r) => r.status === 401);
    expect(refused.every((r) => (r.response as { code: number }).code === 50027)).toBe(true);
    // At most one refused progress edit (then progress stops) and the refused summary edit.
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(2);
    expect(webhookCalls.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1); // progress while it could
    expect(h.log.entries().some((e) => e.msg === 'reindex outlived its interaction token: summary posted to the channel')).toBe(true);
    expect(h.log.text()).not.toContain(sent.token);
  });

  it('progress edits that meet a 429 wait, back off and never overwrite the summary', async () => {
    // Many embedding batches, so progress is reported far more often than the limit allows edits.
    // 500 ms a batch: long enough, even on a busy 2-core machine, for several progress edits and a 429.
    const { own, slowRuntime } = await slowReindexSetup(500, 6);
    const h = await start({
      runtime: slowRuntime,
      core: own,
      standIn: {
        // Like Discord's undisclosed edit limits: no headers beforehand, only the 429.
        rateLimits: [
          {
            bucket: 'interaction-edits',
            matches: (r) => r.method === 'PATCH' && r.path.startsWith('/webhooks/'),
            limit: 1,
            windowMs: 2_000,
            announced: false,
          },
        ],
      },
    });
    const sent = h.command('reindex', { user: h.standIn.users.moderator });
    const done = await h.standIn.waitForRequest(
      (r) => isOriginalEdit(sent)(r) && r.status === 200 && !((r.body as MessageBody).content ?? '').startsWith('Reindexing'),
      40_000,
    );
    expect((done.body as MessageBody).content).toMatch(/added 6\b/);

    const edits = h.standIn.requests.filter(isOriginalEdit(sent));
    const isProgress = (r: RecordedRequest) => ((r.body as MessageBody).content ?? '').startsWith('Reindexing');
    const limited = edits.filter((r) => r.status === 429);
    const progress = edits.filter((r) => r.status === 200 && isProgress(r));
    const firstLimited = edits.findIndex((r) => r.status === 429 && isProgress(r));
    expect(firstLimited).toBeGreaterThanOrEqual(0); // progress edits met the limit…
    // …discord.js waited Retry-After and retried, and progress went on after it, further apart: the interval
    // doubles after an edit slowed by a 429 (1 s → 2 s → 4 s against a 1-per-2-s limit: at most 2 progress 429s,
    // however long the reindex).
    expect(edits.slice(firstLimited + 2).some((r) => r.status === 200 && isProgress(r))).toBe(true);
    expect(limited.filter(isProgress).length).toBeLessThanOrEqual(2);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(edits.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    // The summary is the last word: no queued progress edit landed after it.
    expect(edits.filter((r) => r.status === 200).at(-1)).toBe(done);
    const original = h.standIn.getMessage(h.standIn.getInteraction(sent.id)!.originalMessageId!);
    expect(original?.content).toBe((done.body as MessageBody).content);
    const warnings = h.log.entries().filter((e) => e.msg === 'rate limited by Discord');
    expect(warnings.length).toBe(limited.length);
    expect(h.log.text()).not.toContain(sent.token);
  });

  it('a command failing after a public deferral: the loading message is deleted and the apology is private', async () => {
    // An index that cannot be read: /ask defers publicly, then fails.
    const broken = Object.create(runtime.index, { current: { value: () => Promise.reject(new Error('index unreadable')) } });
    expectedErrors = ['command failed', 'could not load the index'];
    const h = await start({ runtime: { ...runtime, index: broken } as Runtime });
    const sent = h.ask(IRAN);
    expect((await h.callback(sent)).body).toMatchObject({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 0 } });
    const loadingId = h.standIn.getInteraction(sent.id)!.originalMessageId!;

    const followUp = await h.standIn.waitForRequest((r) => r.method === 'POST' && r.path === `/webhooks/${sent.applicationId}/${sent.token}`, 5_000);
    const original = `/webhooks/${sent.applicationId}/${sent.token}/messages/@original`;
    const deleted = h.standIn.requests.find((r) => r.method === 'DELETE' && r.path === original);
    expect(deleted?.status).toBe(204);
    expect(deleted!.time).toBeLessThanOrEqual(followUp.time);
    // On Discord a follow-up while the loading message exists would fill it in publicly; deleted first, it is new.
    expect(followUp.status).toBe(200);
    const apology = followUp.response as { id: string; content: string; flags: number };
    expect(apology.id).not.toBe(loadingId);
    expect(apology.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(apology.content).toMatch(/went wrong/);
    expect(h.standIn.getMessage(loadingId)).toBeUndefined(); // nothing public is left behind
    expect(h.log.entries().some((e) => e.msg === 'command failed')).toBe(true);
  });

  it('403: a mention where the bot may not send is logged, not answered, and answering goes on elsewhere', async () => {
    const h = await start({
      standIn: { extraChannels: ['announcements'], botDeniedInChannel: { announcements: PermissionFlagsBits.SendMessages } },
    });
    const locked = h.standIn.channelIdOf('announcements');
    h.mention(IRAN, { channelId: locked });
    await waitFor(() => h.log.entries().some((e) => e.msg === 'cannot answer in this channel: missing permissions'), 5_000, 'the log line');
    const line = h.log.entries().find((e) => e.msg === 'cannot answer in this channel: missing permissions');
    expect(line).toMatchObject({ level: 40, channel: locked, missing: ['SendMessages'] });
    expect(h.standIn.requests.filter((r) => r.path.startsWith(`/channels/${locked}/`))).toEqual([]); // not even "typing"

    // Permissions taken away while an answer is being prepared: Discord's 403 is logged, nothing crashes.
    const message = h.mention(IRAN);
    h.standIn.setBotDenied('newsroom', PermissionFlagsBits.SendMessages);
    await waitFor(() => h.log.entries().some((e) => e.msg === 'cannot answer in this channel: Discord refused (403)'), 5_000, 'the 403 log line');
    const refusedReply = h.standIn.requests.filter((r) => isChannelPost(h.standIn.channelId)(r));
    expect(refusedReply.map((r) => [r.status, (r.response as { code: number }).code])).toEqual([[403, 50013]]);
    expect((refusedReply[0].body as MessageBody).message_reference?.message_id).toBe(message.id);

    // Still alive: allowed again, it answers.
    h.standIn.setBotDenied('newsroom', 0n);
    const next = h.mention(IRAN);
    expect((await h.replyTo(next.id)).body.embeds?.length).toBeGreaterThan(0);
  });
});
