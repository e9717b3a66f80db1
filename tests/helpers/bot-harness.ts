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
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Events, InteractionResponseType, type APIEmbed, type APIMessage } from 'discord.js';
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
  type MessageInput,
  type RecordedRequest,
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

export const isCallback = (sent: SentInteraction) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/interactions/${sent.id}/${sent.token}/callback`;

export const isOriginalEdit = (sent: SentInteraction) => (r: RecordedRequest) =>
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
  callback(sent: SentInteraction, timeoutMs?: number): Promise<RecordedRequest & { body: CallbackBody }>;
  /** The first edit of the interaction's original response that passes `accept` (default: any). */
  originalEdit(
    sent: SentInteraction,
    accept?: (body: MessageBody) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest & { body: MessageBody }>;
  /** The bot's reply to a message (POST /channels/:id/messages referencing it). */
  replyTo(messageId: string, timeoutMs?: number): Promise<RecordedRequest & { body: MessageBody }>;
  close(): Promise<void>;
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
  const env = { DISCORD_TOKEN: BOT_TOKEN, DISCORD_GUILD_ID: standIn.guildId, LOG_LEVEL: 'debug', ...options.env?.(standIn) };
  const config: BotConfig = { ...loadBotConfig(env), core: options.core };
  const log = memoryLog();
  const logger = createLogger(config.logLevel, log.stream);
  const bot = createBot({ config, runtime: options.runtime, logger, restApi: standIn.apiUrl });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await bot.stop();
    await standIn.close();
  };
  try {
    const ready = once(bot.client, Events.ClientReady);
    await bot.start();
    await ready;
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
