/**
 * Per-channel settings without Discord: what applies where (chosen values over the defaults, ANSWER_CHANNEL_IDS as
 * the default mode), the store on a real SQLite file (partial changes, reset, listing), its cache seeing another
 * connection's writes at once, and a database that is locked, read-only or damaged (defaults, never a throw).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsWhereAsked } from '../src/bot/channel-settings-lookup.js';
import { fitLines } from '../src/bot/commands/settings.js';
import type { BotContext } from '../src/bot/context.js';
import type { Channel } from 'discord.js';
import { FeedbackStore } from '../src/feedback/feedback-store.js';
import { changeProblem, describeSettings, effectiveSettings, type AnswerMode } from '../src/settings/channel-settings.js';
import { SettingsStore } from '../src/settings/settings-store.js';
import { settingsTable } from '../src/settings/settings-table.js';
import type { StoreError } from '../src/store/database.js';

const GUILD = '111111111111111111';
const OTHER_GUILD = '222222222222222222';
const NEWS = '333333333333333333';
const SPORT = '444444444444444444';
const MOD = '555555555555555555';
const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function tempFile(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'settings-'));
  roots.push(root);
  return path.join(root, 'bot.sqlite');
}

function openSettings(file: string) {
  const problems: StoreError[] = [];
  const database = new FeedbackStore(file, { reopenAfterMs: 0 });
  const settings = new SettingsStore(database, { onReadProblem: (p) => problems.push(p), clock: () => 1_700_000_000_000 });
  return { database, settings, problems };
}

const defaults = { answerChannelIds: [SPORT], citations: 3 };
const nothingChosen = { mode: null, citations: null, threads: null };

describe('what applies in a channel', () => {
  it('chosen values win; the rest are the defaults, ANSWER_CHANNEL_IDS making "every message" the default mode', () => {
    expect(effectiveSettings(NEWS, null, defaults)).toEqual({ mode: 'mentions', citations: 3, threads: false });
    expect(effectiveSettings(SPORT, null, defaults)).toEqual({ mode: 'all', citations: 3, threads: false });
    expect(effectiveSettings(SPORT, { mode: 'mentions', citations: null, threads: null }, defaults).mode).toBe('mentions');
    expect(effectiveSettings(NEWS, { mode: null, citations: 7, threads: true }, defaults)).toEqual({ mode: 'mentions', citations: 7, threads: true });
  });

  it('refuses what the command would never send, in one sentence', () => {
    expect(changeProblem({ ...nothingChosen, citations: 10 })).toBeNull();
    expect(changeProblem({ ...nothingChosen, citations: 11 })).toBe('The number of citations must be a whole number from 1 to 10.');
    expect(changeProblem({ ...nothingChosen, citations: 0 })).toMatch(/from 1 to 10/);
    expect(changeProblem({ ...nothingChosen, mode: 'loud' as AnswerMode })).toBe('The mode must be one of mentions, all, off.');
  });

  it('describes settings for people, marking the defaults', () => {
    const chosen = { mode: 'all' as const, citations: null, threads: true };
    expect(describeSettings(effectiveSettings(NEWS, chosen, defaults), chosen)).toBe(
      'answers every message · 3 citations (default) · in a new thread',
    );
    expect(describeSettings({ mode: 'off', citations: 1, threads: false })).toBe('answers are off (default) · 1 citation (default) · in the channel (default)');
  });

  it('fits a long list into one message without cutting a line, counting what was left out', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `<#${String(i).padStart(18, '1')}>: answers every message · 10 citations · in a new thread`);
    const text = fitLines('**Channel settings**', lines, ['Every other channel: the defaults.'], 2000);
    expect(text.length).toBeLessThanOrEqual(2000);
    const shown = text.split('\n').filter((l) => l.startsWith('<#'));
    expect(shown.length).toBeGreaterThan(5);
    expect(shown).toEqual(lines.slice(0, shown.length));
    expect(text).toContain(`… and ${200 - shown.length} more (\`npm run settings\` lists them all).`);
    expect(text.endsWith('Every other channel: the defaults.')).toBe(true);
    expect(fitLines('h', ['a', 'b'], ['t'], 2000)).toBe('h\na\nb\nt');
  });
});

describe('the settings store', () => {
  it('stores per server and channel; a change leaves the options it does not give as they were; reset forgets', async () => {
    const { database, settings } = openSettings(await tempFile());
    expect(settings.lookup(GUILD, NEWS)).toBeNull();
    const first = settings.update(GUILD, NEWS, { mode: 'all', citations: 5, threads: null }, MOD);
    expect(first).toEqual({
      ok: true,
      value: { guildId: GUILD, channelId: NEWS, mode: 'all', citations: 5, threads: null, updatedBy: MOD, updatedAt: 1_700_000_000_000 },
    });
    const second = settings.update(GUILD, NEWS, { mode: null, citations: null, threads: true }, MOD);
    expect(second.ok && second.value).toMatchObject({ mode: 'all', citations: 5, threads: true });
    settings.update(OTHER_GUILD, SPORT, { mode: 'off', citations: null, threads: false }, MOD);
    expect(settings.lookup(GUILD, NEWS)).toMatchObject({ mode: 'all', citations: 5, threads: true });
    expect(settings.lookup(GUILD, SPORT)).toBeNull(); // the other server's channel is not this server's

    const listed = settings.list(GUILD);
    expect(listed.ok && listed.value.map((s) => s.channelId)).toEqual([NEWS]);
    const all = settings.list(null);
    expect(all.ok && all.value.map((s) => [s.guildId, s.channelId])).toEqual([
      [GUILD, NEWS],
      [OTHER_GUILD, SPORT],
    ]);
    expect(settings.anyReadsEveryMessage()).toEqual({ ok: true, value: true });

    expect(settings.reset(GUILD, NEWS)).toEqual({ ok: true, value: true });
    expect(settings.reset(GUILD, NEWS)).toEqual({ ok: true, value: false });
    expect(settings.lookup(GUILD, NEWS)).toBeNull();
    expect(settings.anyReadsEveryMessage()).toEqual({ ok: true, value: false });
    database.close();
  });

  it('the table refuses values outside the allowed ones, whoever writes them', async () => {
    const file = await tempFile();
    openSettings(file).database.close();
    const raw = new Database(file);
    const insert = raw.prepare('INSERT INTO channel_settings VALUES (?, ?, ?, ?, ?, ?, ?)');
    expect(() => insert.run(GUILD, NEWS, 'loud', null, null, MOD, 1)).toThrow(/CHECK constraint/);
    expect(() => insert.run(GUILD, NEWS, null, 11, null, MOD, 1)).toThrow(/CHECK constraint/);
    raw.close();
  });

  it('sees a write by another connection (another bot process) on the very next lookup', async () => {
    const file = await tempFile();
    const { database, settings } = openSettings(file);
    settings.update(GUILD, NEWS, { mode: 'mentions', citations: null, threads: null }, MOD);
    expect(settings.lookup(GUILD, NEWS)?.mode).toBe('mentions');

    const other = openSettings(file); // a second process's store on the same file
    expect(other.settings.lookup(GUILD, NEWS)?.mode).toBe('mentions'); // cached there now
    other.settings.update(GUILD, NEWS, { mode: 'off', citations: 2, threads: null }, MOD);
    expect(settings.lookup(GUILD, NEWS)).toMatchObject({ mode: 'off', citations: 2 });

    // And the other way round: a raw write through a third connection, and a reset.
    const raw = new Database(file);
    raw.prepare("UPDATE channel_settings SET mode = 'all' WHERE channel_id = ?").run(NEWS);
    raw.close();
    expect(settings.lookup(GUILD, NEWS)?.mode).toBe('all');
    expect(other.settings.lookup(GUILD, NEWS)?.mode).toBe('all');
    settings.reset(GUILD, NEWS);
    expect(other.settings.lookup(GUILD, NEWS)).toBeNull();
    database.close();
    other.database.close();
  });

  it('a read-only database: the change is refused in one sentence, lookups go on with what is stored', async () => {
    const file = await tempFile();
    const { database, settings } = openSettings(file);
    settings.update(GUILD, NEWS, { mode: 'off', citations: null, threads: null }, MOD);
    // SQLite's own read-only switch on the connection: every write fails with SQLITE_READONLY, as for a read-only file.
    database.use((db) => db.pragma('query_only = ON'));
    const refused = settings.update(GUILD, NEWS, { mode: 'all', citations: null, threads: null }, MOD);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problem.message).toBe(`The database ${file} is read-only (check the permissions of the file and its folder).`);
    expect(!settings.reset(GUILD, NEWS).ok).toBe(true);
    expect(settings.lookup(GUILD, NEWS)?.mode).toBe('off');
    database.close();
  });

  it('a locked database: changes wait for the lock, then give up in one sentence; lookups still read (WAL)', async () => {
    const file = await tempFile();
    const problems: StoreError[] = [];
    const database = new FeedbackStore(file, { busyTimeoutMs: 50 });
    const settings = new SettingsStore(database, { onReadProblem: (p) => problems.push(p) });
    settings.update(GUILD, NEWS, { mode: 'off', citations: null, threads: null }, MOD);
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    const refused = settings.update(GUILD, NEWS, { mode: 'all', citations: null, threads: null }, MOD);
    expect(!refused.ok && refused.problem.transient).toBe(true);
    expect(settings.lookup(GUILD, NEWS)?.mode).toBe('off');
    locker.exec('ROLLBACK');
    locker.close();
    expect(settings.update(GUILD, NEWS, { mode: 'all', citations: null, threads: null }, MOD).ok).toBe(true);
    expect(problems).toEqual([]);
    database.close();
  });

  it('a damaged database: lookups answer null (the defaults) and the problem is reported once, not per message', async () => {
    const file = await tempFile();
    await writeFile(file, 'not a database at all. '.repeat(200));
    const { database, settings, problems } = openSettings(file);
    for (let i = 0; i < 5; i++) expect(settings.lookup(GUILD, NEWS)).toBeNull();
    expect(problems.map((p) => p.message)).toEqual([
      `The database ${file} is damaged or not a SQLite database; it is left untouched: repair it or move it away.`,
    ]);
    expect(settings.list(GUILD).ok).toBe(false);
    database.close();
  });

  it('lists for operators as aligned lines, "default" where nothing was chosen', async () => {
    const { database, settings } = openSettings(await tempFile());
    expect(settingsTable([])).toEqual(['No channel has settings of its own; every channel uses the defaults.']);
    settings.update(GUILD, NEWS, { mode: 'all', citations: null, threads: true }, MOD);
    const listed = settings.list(null);
    if (!listed.ok) throw listed.problem;
    expect(settingsTable(listed.value)).toEqual([
      'server              channel             mode  citations  threads  changed by          changed at (UTC)',
      `${GUILD}  ${NEWS}  all   default    yes      ${MOD}  2023-11-14 22:13`,
    ]);
    database.close();
  });
});

describe('where a question was asked', () => {
  it('a thread follows its parent channel; a DM gets the defaults; ANSWER_CHANNEL_IDS is the default mode', async () => {
    const { database, settings } = openSettings(await tempFile());
    settings.update(GUILD, NEWS, { mode: 'off', citations: 6, threads: null }, MOD);
    const context = { settings, config: { answerChannelIds: [SPORT] } } as unknown as BotContext;
    // The two things the lookup asks of a discord.js channel.
    const thread = (parentId: string) => ({ isThread: () => true, parentId }) as unknown as Channel;
    const text = { isThread: () => false } as unknown as Channel;
    expect(settingsWhereAsked(context, { guildId: GUILD, channelId: NEWS, channel: text })).toEqual({ mode: 'off', citations: 6, threads: false });
    expect(settingsWhereAsked(context, { guildId: GUILD, channelId: '999999999999999999', channel: thread(NEWS) })).toMatchObject({ mode: 'off', citations: 6 });
    expect(settingsWhereAsked(context, { guildId: GUILD, channelId: '999999999999999998', channel: thread(SPORT) }).mode).toBe('all');
    expect(settingsWhereAsked(context, { guildId: GUILD, channelId: SPORT, channel: null }).mode).toBe('all');
    expect(settingsWhereAsked(context, { guildId: null, channelId: NEWS, channel: null })).toEqual({ mode: 'mentions', citations: 3, threads: false });
    database.close();
  });
});
