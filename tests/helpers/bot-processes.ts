/**
 * Real bot processes (`npm start`'s launch, see bot-launch.ts) against a stand-in, for tests of several processes
 * sharing one index folder. Logs are JSON lines on the process's stdout, kept here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { CoreSettings } from '../../src/app/settings.js';
import { BOT_TOKEN, isOriginalEdit, waitFor, type MessageBody } from './bot-harness.js';
import type { DiscordStandIn, RecordedRequest, SentInteraction } from './discord-stand-in.js';

export interface BotProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far (of every shard, when it runs a sharding manager). */
  logs(): Array<Record<string, unknown>>;
  /** Waits for a log line; throws after `timeoutMs` with the log so far. */
  waitForLog(accept: (entry: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>>;
  /** SIGTERM, then waits for it (and its shards) to exit. */
  stop(): Promise<void>;
}

export function startBotProcess(standIn: DiscordStandIn, core: CoreSettings & { root: string }, env: Record<string, string> = {}): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/bot-launch.ts'], {
    env: {
      ...process.env,
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_GUILD_ID: standIn.guildId,
      STAND_IN_API_URL: standIn.apiUrl,
      CORPUS_DIR: core.corpusDir,
      INDEX_DIR: core.indexDir,
      EMBEDDING_MODEL: 'glove-sif-100d',
      DATABASE_PATH: path.join(core.root, `feedback-${standIn.guildId}.sqlite`),
      LOG_LEVEL: 'info',
      // The tests ask more often than members may.
      RATE_LIMIT_QUESTIONS: '1000',
      // The tests change the corpus and say when to index it (/reindex, npm run index), as bot-harness does.
      WATCH_CORPUS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = once(child, 'exit');
  const logs = () =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    child,
    logs,
    async waitForLog(accept, timeoutMs, what) {
      try {
        await waitFor(() => logs().some(accept), timeoutMs, what);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nstdout:\n${out.slice(-4000)}\nstderr:\n${err.slice(-2000)}`);
      }
      return logs().find(accept)!;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The final text and embeds of an interaction's reply: its first edit that is not a progress line. */
export async function finalEdit(standIn: DiscordStandIn, sent: SentInteraction, timeoutMs = 90_000): Promise<RecordedRequest & { body: MessageBody }> {
  return (await standIn.waitForRequest(
    (r) => isOriginalEdit(sent)(r) && !String((r.body as MessageBody).content ?? '').startsWith('Reindexing…'),
    timeoutMs,
  )) as RecordedRequest & { body: MessageBody };
}

/** Whether a reply cites the article with this title. */
export const cites = (body: MessageBody, title: string) => (body.embeds ?? []).some((e) => String(e.title ?? '').includes(title));

/** Polls an asynchronous `check` until it holds; throws after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
