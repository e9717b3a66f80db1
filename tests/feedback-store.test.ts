/**
 * The feedback database: creation and versioned migrations, votes, a second connection and a second process on the
 * same file, and files that are locked, read-only, damaged or from a newer version (never a throw, never a lost vote).
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { FeedbackStore, type AnswerRecord, type FeedbackStoreOptions } from '../src/feedback/feedback-store.js';
import { openDatabase, schemaVersion, StoreError } from '../src/store/database.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/migrations.js';

const run = promisify(execFile);
const GUILD = '111111111111111111';
const OTHER_GUILD = '222222222222222222';
const roots: string[] = [];

async function tempFile(name = 'feedback.sqlite'): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'feedback-'));
  roots.push(root);
  return path.join(root, 'nested', 'folder', name);
}

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

const answer = (over: Partial<AnswerRecord> = {}): AnswerRecord => ({
  question: 'What did Lavrov say about Hezbollah?',
  answered: true,
  sources: ['corpus/000_a.txt', 'corpus/001_b.txt'],
  userId: 'asker',
  guildId: GUILD,
  channelId: '333333333333333333',
  ...over,
});

/** A store whose problems are collected, for asserting that each is reported once. */
function openStore(file: string, options: FeedbackStoreOptions = {}) {
  const problems: StoreError[] = [];
  let recoveries = 0;
  const store = new FeedbackStore(file, {
    reopenAfterMs: 0,
    ...options,
    onProblem: (p) => problems.push(p),
    onRecovered: () => recoveries++,
  });
  return { store, problems, recoveries: () => recoveries };
}

function recordedId(store: FeedbackStore, over: Partial<AnswerRecord> = {}): string {
  const result = store.recordAnswer(answer(over));
  if (!result.ok) throw result.problem;
  return result.value;
}

async function child(request: object, options: { uid?: number; gid?: number } = {}): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tests/helpers/feedback-child.ts', JSON.stringify(request)], {
    ...options,
    env: { ...process.env, HOME: tmpdir() },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('database file and migrations', () => {
  it('creates the file and its folders on first use, in WAL mode, at the latest schema version', async () => {
    const file = await tempFile();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Waiting for another connection's lock is whileBusy's job once the file is open (see the concurrent test).
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBe(0);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['answers', 'channel_settings', 'votes']);
    db.close();
    // Opening again applies nothing and keeps the version.
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('migrates a file from the previous version, keeping its answers', async () => {
    const file = await tempFile();
    const previous = openDatabase(file, { migrations: MIGRATIONS.slice(0, -1) });
    expect(schemaVersion(previous)).toBe(SCHEMA_VERSION - 1);
    previous
      .prepare("INSERT INTO answers (id, question, answered, sources, user_id, guild_id, channel_id, created_at) VALUES ('oldanswer001', 'old question', 1, '[\"corpus/x.txt\"]', 'u', ?, NULL, 1)")
      .run(GUILD);
    previous.close();

    const { store } = openStore(file);
    expect(store.vote('oldanswer001', 'voter', GUILD, -1)).toEqual({ status: 'recorded', vote: -1, counts: { up: 0, down: 1 } });
    const check = new Database(file, { readonly: true });
    expect(schemaVersion(check)).toBe(SCHEMA_VERSION);
    expect(check.prepare('SELECT question, sources FROM answers').all()).toEqual([{ question: 'old question', sources: '["corpus/x.txt"]' }]);
    check.close();
    store.close();
  });

  it('applies each step in a transaction: a failing step leaves the file at the last complete one', async () => {
    const file = await tempFile();
    const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM no_such_table;' }];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(StoreError);
    const db = new Database(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a file from a newer version of the bot, in one sentence, and leaves it untouched', async () => {
    const file = await tempFile();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = await readFile(file);
    const { store, problems } = openStore(file);
    const result = store.recordAnswer(answer());
    expect(result.ok).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/^The database .*feedback\.sqlite has schema version 99, newer than this bot's \d+: [^.]*\.$/);
    expect(await readFile(file)).toEqual(before);
  });
});

describe('votes', () => {
  it('one vote per user per answer: a second click changes it, the same click again takes it back', async () => {
    const { store } = openStore(await tempFile());
    const id = recordedId(store);
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(store.vote(id, 'ann', GUILD, 1)).toEqual({ status: 'recorded', vote: 1, counts: { up: 1, down: 0 } });
    expect(store.vote(id, 'ann', GUILD, -1)).toEqual({ status: 'recorded', vote: -1, counts: { up: 0, down: 1 } });
    expect(store.vote(id, 'bob', GUILD, -1)).toEqual({ status: 'recorded', vote: -1, counts: { up: 0, down: 2 } });
    expect(store.vote(id, 'ann', GUILD, -1)).toEqual({ status: 'recorded', vote: null, counts: { up: 0, down: 1 } });
    expect(store.counts(id)).toEqual({ ok: true, value: { up: 0, down: 1 } });
    // Votes on one answer do not touch another.
    const other = recordedId(store);
    expect(store.counts(other)).toEqual({ ok: true, value: { up: 0, down: 0 } });
    store.close();
  });

  it('refuses votes on unknown answers and on answers of another server, recording nothing', async () => {
    const { store } = openStore(await tempFile());
    const id = recordedId(store);
    expect(store.vote('nosuchanswer', 'ann', GUILD, 1)).toEqual({ status: 'unknown-answer' });
    expect(store.vote(id, 'ann', OTHER_GUILD, 1)).toEqual({ status: 'other-guild', answerGuildId: GUILD });
    expect(store.vote(id, 'ann', null, 1)).toEqual({ status: 'other-guild', answerGuildId: GUILD });
    expect(store.counts(id)).toEqual({ ok: true, value: { up: 0, down: 0 } });
    expect(store.counts('nosuchanswer')).toEqual({ ok: true, value: null });
    store.close();
  });

  it('keeps votes across a restart', async () => {
    const file = await tempFile();
    const first = openStore(file).store;
    const id = recordedId(first);
    first.vote(id, 'ann', GUILD, 1);
    first.close();
    expect(openStore(file).store.counts(id)).toEqual({ ok: true, value: { up: 1, down: 0 } });
  });
});

describe('a second connection and a second process', () => {
  it('two connections on one file see each other’s answers and votes', async () => {
    const file = await tempFile();
    const a = openStore(file).store;
    const b = openStore(file).store;
    const id = recordedId(a);
    expect(b.vote(id, 'ann', GUILD, 1).status).toBe('recorded');
    expect(a.vote(id, 'bob', GUILD, 1)).toEqual({ status: 'recorded', vote: 1, counts: { up: 2, down: 0 } });
    expect(b.counts(id)).toEqual({ ok: true, value: { up: 2, down: 0 } });
    a.close();
    b.close();
  });

  it('another process voting at the same time loses no vote, and neither do we', async () => {
    const file = await tempFile();
    const { store, problems } = openStore(file);
    const id = recordedId(store);
    let childDone = false;
    const other = child({ mode: 'vote', file, answerId: id, guildId: GUILD, users: 'p2-', count: 1000 }).finally(() => (childDone = true));
    // Vote here for as long as the child votes: writers wait for each other's lock (busy_timeout) instead of failing.
    const statuses: string[] = [];
    while (!childDone || statuses.length < 10) {
      const n = statuses.length;
      statuses.push(store.vote(id, `p1-${n}`, GUILD, n % 2 ? -1 : 1).status);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await other;
    expect(result.problems).toEqual([]);
    expect(result.statuses).toEqual(Array(1000).fill('recorded'));
    expect(statuses).toEqual(Array(statuses.length).fill('recorded'));
    expect(problems).toEqual([]);
    const mine = { up: Math.ceil(statuses.length / 2), down: Math.floor(statuses.length / 2) };
    expect(store.counts(id)).toEqual({ ok: true, value: { up: 500 + mine.up, down: 500 + mine.down } });
    store.close();
  });

  it('two processes creating the same new file at once both work, and the schema is applied once', async () => {
    const file = await tempFile();
    const results = await Promise.all([child({ mode: 'answer', file }), child({ mode: 'answer', file })]);
    for (const result of results) {
      expect(result.problems).toEqual([]);
      expect(result.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    }
    const db = new Database(file, { readonly: true });
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT COUNT(*) FROM answers').pluck().get()).toBe(2);
    db.close();
  });
});

describe('files that cannot be used', () => {
  it('a locked file: the vote is refused after the busy timeout, reported once, and goes through once the lock is gone', async () => {
    const file = await tempFile();
    const { store, problems, recoveries } = openStore(file, { busyTimeoutMs: 50 });
    const id = recordedId(store);
    store.vote(id, 'ann', GUILD, 1);

    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE'); // holds the write lock, as a second process in a long write would
    const refused = [store.vote(id, 'bob', GUILD, 1), store.vote(id, 'cat', GUILD, -1)];
    for (const outcome of refused) {
      expect(outcome.status).toBe('unavailable');
      if (outcome.status === 'unavailable') expect(outcome.problem.transient).toBe(true);
    }
    expect(problems.map((p) => p.message)).toEqual([
      `The database ${file} is locked by another process for longer than the busy timeout.`,
    ]);
    // Reading still works under a writer's lock (WAL).
    expect(store.counts(id)).toEqual({ ok: true, value: { up: 1, down: 0 } });
    locker.exec('ROLLBACK');
    locker.close();

    expect(store.vote(id, 'bob', GUILD, 1)).toEqual({ status: 'recorded', vote: 1, counts: { up: 2, down: 0 } });
    expect(recoveries()).toBe(1);
    store.close();
  });

  it('a damaged file: every operation reports it without throwing, once, and the file is never rewritten', async () => {
    const file = await tempFile();
    openStore(file).store.close(); // creates the folder
    const garbage = Buffer.from('these bytes are not a SQLite database '.repeat(200));
    await writeFile(file, garbage);
    const { store, problems } = openStore(file);
    expect(store.recordAnswer(answer()).ok).toBe(false);
    expect(store.vote('whateveranswr', 'ann', GUILD, 1).status).toBe('unavailable');
    expect(store.counts('whateveranswr').ok).toBe(false);
    expect(problems.map((p) => p.message)).toEqual([
      `The database ${file} is damaged or not a SQLite database; it is left untouched: repair it or move it away.`,
    ]);
    expect(await readFile(file)).toEqual(garbage);
  });

  it('a file damaged after opening: the failing operation reports it, earlier votes are still counted', async () => {
    const file = await tempFile();
    const { store, problems } = openStore(file);
    const id = recordedId(store);
    store.vote(id, 'ann', GUILD, -1);
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // Overwrite the votes table's root page with junk, as a disk fault would.
    const raw = new Database(file, { readonly: true });
    const page = raw.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'votes'").pluck().get() as number;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    store.close();
    const bytes = await readFile(file);
    bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize);
    await writeFile(file, bytes);

    const reopened = openStore(file);
    const outcome = reopened.store.vote(id, 'bob', GUILD, 1);
    expect(outcome.status).toBe('unavailable');
    expect(reopened.problems.map((p) => p.message)).toEqual([
      `The database ${file} is damaged or not a SQLite database; it is left untouched: repair it or move it away.`,
    ]);
    expect(problems).toEqual([]);
    reopened.store.close();
  });

  // Root may write any file whatever its mode: as root the probe runs as an unprivileged user, who may only read.
  const asRoot = process.getuid?.() === 0;
  const probeAs = asRoot ? { uid: 65534, gid: 65534 } : {};

  it.each([
    { where: 'a read-only file in a writable folder', folderWritable: true },
    { where: 'a read-only file in a read-only folder', folderWritable: false },
  ])('$where: votes and answers refused in one sentence, never a throw, recorded votes kept', async ({ folderWritable }) => {
    const file = await tempFile();
    const { store } = openStore(file);
    const id = recordedId(store);
    store.vote(id, 'ann', GUILD, 1);
    store.vote(id, 'bob', GUILD, -1);
    store.close();
    const folder = path.dirname(file);
    if (asRoot) {
      await chmod(roots[roots.length - 1], 0o755);
      if (folderWritable) await chown(folder, 65534, 65534);
    } else {
      await chmod(file, 0o444);
      if (!folderWritable) await chmod(folder, 0o555);
    }
    const result = await child({ mode: 'probe', file, answerId: id, guildId: GUILD }, probeAs);
    const sentence = `The database ${file} is read-only (check the permissions of the file and its folder).`;
    expect(result).toEqual({
      // A WAL database is readable only where its shared-memory file can be created beside it.
      counts: folderWritable ? { up: 1, down: 1 } : { problem: sentence },
      vote: { status: 'unavailable', problem: sentence },
      answer: { problem: sentence },
      problems: [sentence],
    });
    if (!asRoot) await Promise.all([chmod(file, 0o644), chmod(folder, 0o755)]);
    const after = openStore(file).store;
    expect(after.counts(id)).toEqual({ ok: true, value: { up: 1, down: 1 } });
    after.close();
  });
});
