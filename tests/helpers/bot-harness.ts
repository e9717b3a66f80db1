/**
 * Runs the real bot (createBot + discord.js) against the Discord stand-in, for end-to-end tests.
 *
 *   const harness = await startBotHarness({ runtime, core, env: (s) => ({ RATE_LIMIT_QUESTIONS: '2' }) });
 *   const sent = harness.standIn.sendSlashCommand({ name: 'ask', options: { question: '…' } });
 *   const edit = await harness.originalEdit(sent);
 *   await harness.close();
 *
 * The bot logs (pino, JSON lines) into memory so tests can assert on them, and on the absence of the token.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Events, GatewayDispatchEvents, InteractionResponseType, type APIEmbed, type APIMessage } from 'discord.js';
import { expect } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import type { CoreSettings } from '../../src/app/settings.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { createBot, type Bot } from '../../src/bot/bot.js';
import { loadBotConfig, type BotConfig } from '../../src/bot/config.js';
import { createLogger } from '../../src/bot/logger.js';
import {
  startDiscordStandIn,
  type DiscordStandIn,
  type DiscordStandInOptions,
  type ComponentClickInput,
  type MessageInput,
  type RecordedRequest,
  type SentComponentInteraction,
  type SentInteraction,
  type SlashCommandInput,
} from './discord-stand-in.js';

/** A bot token that looks nothing like any other string in the tests, so a leak is unmistakable. */
export const BOT_TOKEN = 'e2e-bot-token.Zq7xW3pKd9.secret-do-not-log';

// ---------------------------------------------------------------------------------------------------------------
// Logs in memory
// ---------------------------------------------------------------------------------------------------------------

export interface MemoryLog {
  stream: { write(line: string): void };
  /** Everything written, as one string. */
  text(): string;
  /** Parsed JSON lines. */
  entries(): Array<Record<string, unknown>>;
}

export function memoryLog(): MemoryLog {
  const chunks: string[] = [];
  return {
    stream: { write: (line: string) => void chunks.push(line) },
    text: () => chunks.join(''),
    entries: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Corpus, index and a slow model
// ---------------------------------------------------------------------------------------------------------------

/** The generation folder `CURRENT` names, or null when there is no index. */
export async function indexGeneration(indexDir: string): Promise<string | null> {
  return readFile(path.join(indexDir, 'CURRENT'), 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
}

export interface SlowEmbedder extends Embedder {
  /** Added before every embed call; change it at any time. */
  delayMs: number;
  calls: number;
}

/** The real model behind a delay per call: what a slow CPU or a big model looks like to the bot. */
export function slowEmbedder(base: Embedder, delayMs: number): SlowEmbedder {
  const slow: SlowEmbedder = {
    modelId: base.modelId,
    dimension: base.dimension,
    maxTokens: base.maxTokens,
    delayMs,
    calls: 0,
    async embed(texts: string[]) {
      slow.calls += 1;
      if (slow.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
      return base.embed(texts);
    },
  };
  return slow;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

export const isCallback = (sent: Pick<SentInteraction, 'id' | 'token'>) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/interactions/${sent.id}/${sent.token}/callback`;

/** An interaction whose original response can be edited: a slash command or a component click. */
type Respondable = Pick<SentInteraction, 'applicationId' | 'token'>;

export const isOriginalEdit = (sent: Respondable) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path === `/webhooks/${sent.applicationId}/${sent.token}/messages/@original`;

export const isChannelPost = (channelId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${channelId}/messages`;

export interface CallbackBody {
  type: InteractionResponseType;
  data?: { content?: string; flags?: number; embeds?: APIEmbed[]; allowed_mentions?: unknown };
}

export interface MessageBody {
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[]; replied_user?: boolean };
  message_reference?: { message_id?: string; channel_id?: string };
}

export interface MessagePayload {
  request: RecordedRequest;
  body: MessageBody;
  /** The message the stand-in stored, when the response carried it. */
  stored: APIMessage | undefined;
}

/** Every recorded request that creates or edits a message, with the message part of its body. */
export function messagePayloads(requests: readonly RecordedRequest[]): MessagePayload[] {
  const out: MessagePayload[] = [];
  for (const request of requests) {
    const { method, path: p } = request;
    let body: MessageBody | undefined;
    if (method === 'POST' && /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(p)) {
      const callback = request.body as CallbackBody;
      const data = callback?.data;
      // A deferral carries flags only; anything with content or embeds is a message.
      if (data && ('content' in data || 'embeds' in data)) body = data as MessageBody;
    } else if (
      (method === 'PATCH' && /^\/webhooks\/[^/]+\/[^/]+\/messages\/[^/]+$/.test(p)) ||
      (method === 'POST' && /^\/webhooks\/[^/]+\/[^/]+$/.test(p)) ||
      (method === 'POST' && /^\/channels\/[^/]+\/messages$/.test(p)) ||
      (method === 'PATCH' && /^\/channels\/[^/]+\/messages\/[^/]+$/.test(p))
    ) {
      body = request.body as MessageBody;
    }
    if (!body) continue;
    const response = request.response as Partial<APIMessage> | undefined;
    out.push({ request, body, stored: response && typeof response.id === 'string' ? (response as APIMessage) : undefined });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The bot against the stand-in
// ---------------------------------------------------------------------------------------------------------------

export interface BotHarnessOptions {
  runtime: Runtime;
  core: CoreSettings;
  /** Extra settings, as they would be in the environment; may use the stand-in's ids (roles, guild). */
  env?: (standIn: DiscordStandIn) => Record<string, string>;
  standIn?: DiscordStandInOptions;
}

export interface BotHarness {
  standIn: DiscordStandIn;
  bot: Bot;
  config: BotConfig;
  log: MemoryLog;
  /** The command registration request (PUT …/commands), recorded before `startBotHarness` resolves. */
  registration: RecordedRequest;
  ask(question: string, input?: Partial<SlashCommandInput>): SentInteraction;
  command(name: string, input?: Partial<SlashCommandInput>): SentInteraction;
  mention(text: string, input?: Partial<MessageInput>): ReturnType<DiscordStandIn['sendMessage']>;
  callback(sent: Pick<SentInteraction, 'id' | 'token'>, timeoutMs?: number): Promise<RecordedRequest & { body: CallbackBody }>;
  /** A member clicks a button of a message (refused, as by Discord, when the message has no such button). */
  click(messageId: string, customId: string, input?: Partial<ComponentClickInput>): SentComponentInteraction;
  /** Stops the bot and starts a new one (same settings, same log) against the same Discord: a restart. */
  restartBot(): Promise<void>;
  /** The feedback database of this bot (a fresh temp file unless the test's env sets DATABASE_PATH). */
  databasePath: string;
  /** The first edit of the interaction's original response that passes `accept` (default: any). */
  originalEdit(
    sent: Respondable,
    accept?: (body: MessageBody) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest & { body: MessageBody }>;
  /** The bot's reply to a message (POST /channels/:id/messages referencing it). */
  replyTo(messageId: string, timeoutMs?: number): Promise<RecordedRequest & { body: MessageBody }>;
  close(): Promise<void>;
}

/** What a test provokes on purpose: requests that may fail and error log lines it expects. */
export interface Provoked {
  request(r: RecordedRequest): boolean;
  errorLog(entry: Record<string, unknown>): boolean;
}

export const NOTHING_PROVOKED: Provoked = { request: () => false, errorLog: () => false };

/**
 * What must hold after any test of a closed harness: nobody was pinged, Discord refused nothing (unless provoked),
 * the token never reached the log, the log is JSON lines without unexpected errors.
 */
export function expectCleanRun(h: BotHarness, expected: Provoked = NOTHING_PROVOKED): void {
  for (const { request, body, stored } of messagePayloads(h.standIn.requests)) {
    const where = `${request.method} ${request.path}`;
    expect(body.allowed_mentions, where).toBeDefined();
    expect(body.allowed_mentions?.parse, where).toEqual([]);
    expect(body.allowed_mentions?.users ?? [], where).toEqual([]);
    expect(body.allowed_mentions?.roles ?? [], where).toEqual([]);
    if (body.message_reference) expect(body.allowed_mentions?.replied_user, where).toBe(false);
    if (stored) {
      expect(stored.mention_everyone, where).toBe(false);
      expect(stored.mentions, where).toEqual([]);
      expect(stored.mention_roles, where).toEqual([]);
    }
  }
  // Size limits and everything else Discord validates: the stand-in answers violations with 4xx.
  const failed = h.standIn.requests.filter((r) => r.status >= 400 && !expected.request(r));
  expect(failed.map((r) => `${r.method} ${r.path} → ${r.status} ${JSON.stringify(r.response)}`)).toEqual([]);
  expect(h.log.text()).not.toContain(BOT_TOKEN);
  expect(() => h.log.entries()).not.toThrow();
  expect(h.log.entries().filter((e) => (e.level === 50 || e.level === 60) && !expected.errorLog(e))).toEqual([]);
}

/** Polls `condition` until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startBotHarness(options: BotHarnessOptions): Promise<BotHarness> {
  // The stand-in checks the token on REST and IDENTIFY, so a bot sending anything else fails here.
  const standIn = await startDiscordStandIn({ token: BOT_TOKEN, ...options.standIn });
  // Each bot gets its own feedback database unless the test shares one (e.g. across a restart).
  const databaseDir = await mkdtemp(path.join(tmpdir(), 'bot-db-'));
  const env = {
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_GUILD_ID: standIn.guildId,
    LOG_LEVEL: 'debug',
    DATABASE_PATH: path.join(databaseDir, 'feedback.sqlite'),
    // Suites that change the corpus run /reindex themselves; a watcher's rebuild would race theirs. Its own tests
    // turn it on.
    WATCH_CORPUS: 'false',
    ...options.env?.(standIn),
  };
  const config: BotConfig = { ...loadBotConfig(env), core: options.core };
  const log = memoryLog();
  const logger = createLogger(config.logLevel, log.stream);
  let bot = createBot({ config, runtime: options.runtime, logger, restApi: standIn.apiUrl, attachmentOrigins: [standIn.attachments.origin] });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await bot.stop();
    await standIn.close();
    await rm(databaseDir, { recursive: true, force: true });
  };
  const connect = async () => {
    const ready = once(bot.client, Events.ClientReady);
    await bot.start();
    await ready;
  };
  try {
    await connect();
    const registration = await standIn.waitForRequest(
      (r) => r.method === 'PUT' && /^\/applications\/[^/]+(\/guilds\/[^/]+)?\/commands$/.test(r.path),
      5_000,
    );
    // The bot logs the outcome once it has read the response.
    await waitFor(() => log.entries().some((e) => /slash commands registered|could not register/.test(String(e.msg))), 5_000);
    const harness: BotHarness = {
      standIn,
      bot,
      config,
      log,
      registration,
      command: (name, input = {}) => standIn.sendSlashCommand({ ...input, name }),
      ask: (question, input = {}) =>
        standIn.sendSlashCommand({ ...input, name: 'ask', options: { question, ...(input.options as object) } }),
      async restartBot() {
        await bot.stop();
        bot = createBot({ config, runtime: options.runtime, logger, restApi: standIn.apiUrl, attachmentOrigins: [standIn.attachments.origin] });
        harness.bot = bot;
        await connect();
      },
      click: (messageId, customId, input = {}) => standIn.sendComponentClick({ ...input, messageId, customId }),
      databasePath: config.databasePath,
      mention: (text, input = {}) => standIn.sendMessage({ ...input, content: `<@${standIn.botUser.id}> ${text}` }),
      callback: (sent, timeoutMs = 5_000) =>
        standIn.waitForRequest(isCallback(sent), timeoutMs) as Promise<RecordedRequest & { body: CallbackBody }>,
      originalEdit: (sent, accept = () => true, timeoutMs = 5_000) =>
        standIn.waitForRequest((r) => isOriginalEdit(sent)(r) && accept(r.body as MessageBody), timeoutMs) as Promise<
          RecordedRequest & { body: MessageBody }
        >,
      replyTo: (messageId, timeoutMs = 5_000) =>
        standIn.waitForRequest(
          (r) => isChannelPost(standIn.channelId)(r) && (r.body as MessageBody)?.message_reference?.message_id === messageId,
          timeoutMs,
        ) as Promise<RecordedRequest & { body: MessageBody }>,
      close,
    };
    return harness;
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A click Discord never sent: the payload of a real click on `messageId`'s `realCustomId`, altered after the fact to
 * carry `customId` and come from `guildId`. Returns the bot's acknowledgement.
 */
export async function forgeClick(
  h: BotHarness,
  click: { messageId: string; realCustomId: string; customId: string; guildId?: string; permissions?: bigint },
): Promise<RecordedRequest & { body: CallbackBody }> {
  const guildId = click.guildId ?? h.standIn.guildId;
  const payload = h.standIn.componentClickPayload({ messageId: click.messageId, customId: click.realCustomId, permissions: click.permissions });
  h.standIn.dispatch(GatewayDispatchEvents.InteractionCreate, {
    ...payload,
    guild_id: guildId,
    guild: { ...payload.guild, id: guildId },
    data: { ...payload.data, custom_id: click.customId },
  });
  return h.callback(payload);
}
