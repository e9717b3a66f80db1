import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /**
   * How long an operation waits for another connection's write to finish (see `whileBusy`). better-sqlite3 is
   * synchronous, so this blocks the event loop: it must stay well under Discord's 3 s acknowledgement deadline.
   */
  busyTimeoutMs?: number;
  /** Schema steps to apply; tests pass a prefix to make a file of an older version. */
  migrations?: readonly Migration[];
}

export const DEFAULT_BUSY_TIMEOUT_MS = 1000;

/** A database that cannot be used; the message is one sentence naming the file and what to do. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    /** SQLite's extended error code, or Node's for file-system errors. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Another process holds the write lock: the next attempt will probably succeed. */
  get transient(): boolean {
    return /^SQLITE_(BUSY|LOCKED)/.test(this.code ?? '');
  }
}

/**
 * Opens (creating the file and its folder on first use) and migrates the database. WAL lets a second bot process
 * read while this one writes. The connection's busy_timeout stays 0: every step that may meet another connection's
 * lock waits through `whileBusy`, which looks for a free lock far more often than SQLite's handler does. Opening
 * too: two processes creating the file at once contend for the switch to WAL and for each migration step, and the
 * handler's sleeps of up to 100 ms missed the gaps between the other's steps until the timeout ran out (seen once
 * in CI: "locked by another process for longer than the busy timeout").
 */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // better-sqlite3's default is SQLite's handler for 5 s; whileBusy does the waiting instead.
    db = new Database(file, { timeout: 0 });
    const opened = db;
    const wait = busyTimeout(options);
    // Reading the mode first costs nothing and lets a read-only file that is already in WAL mode still open.
    whileBusy(wait, () => {
      if (opened.pragma('journal_mode', { simple: true }) !== 'wal') opened.pragma('journal_mode = WAL');
    });
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL'); // safe with WAL: a power cut may lose the last commits, never corrupt
    migrate(db, options.migrations ?? MIGRATIONS, wait);
    return db;
  } catch (err) {
    db?.close();
    throw asStoreError(err, file);
  }
}

export function busyTimeout(options: Pick<OpenOptions, 'busyTimeoutMs'>): number {
  return Math.max(0, Math.round(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `operation` (one transaction or one statement: all or nothing), again and again while another connection
 * holds the write lock, for up to `timeoutMs`; then the SQLITE_BUSY error is thrown.
 *
 * Why not SQLite's busy_timeout: its handler tries the lock once after sleeps of 1, 2, 5 … 25, 50, 100, 100 … ms,
 * and the lock keeps no queue. A process that starts its next write microseconds after its last commit (another
 * bot process recording a burst of votes) holds the lock over 90 % of the time, so a waiter that looks about ten
 * times a second misses every gap for as long as the other keeps writing: with 1,000 votes in a row in another
 * process, a vote here waited 0.3 s on an idle machine and over the 1 s timeout under load. Looking every
 * 0.05–0.5 ms (at random, so two waiters do not fall into step) finds a gap within milliseconds. Blocking the
 * thread while waiting is what SQLite's handler does too; the wait is bounded by the timeout.
 */
export function whileBusy<T>(timeoutMs: number, operation: () => T): T {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return operation();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, 0.05 + Math.random() * 0.45);
    }
  }
}

const statements = new WeakMap<SqliteDatabase, Map<string, Database.Statement>>();

/**
 * The connection's prepared statement for `sql`, prepared once. Preparing inside a write transaction would hold the
 * write lock while SQLite parses and plans; another process waits that much longer.
 */
export function prepared(db: SqliteDatabase, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/** SQLITE_BUSY and its variants (…_SNAPSHOT, …_RECOVERY): another connection's lock, gone soon. */
function isBusy(err: unknown): boolean {
  return err instanceof Database.SqliteError && /^SQLITE_BUSY/.test(err.code);
}

/** The file's schema version (`PRAGMA user_version`). */
export function schemaVersion(db: SqliteDatabase): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Applies the steps the file has not had, each in its own transaction with its version bump, so a failure leaves
 * the file at the last complete step. IMMEDIATE takes the write lock before the version is read: two processes
 * starting together cannot both apply the same step.
 */
function migrate(db: SqliteDatabase, migrations: readonly Migration[], waitMs: number): void {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const found = whileBusy(waitMs, () => schemaVersion(db));
  if (found > latest) {
    throw new StoreError(
      `The database ${db.name} has schema version ${found}, newer than this bot's ${latest}: run the newer version of the bot, or point DATABASE_PATH at another file.`,
      'SCHEMA_TOO_NEW',
    );
  }
  if (found === latest) return;
  for (const migration of migrations) {
    const step = db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    whileBusy(waitMs, () => step.immediate());
  }
}

/** Turns whatever SQLite or the file system threw into one sentence a server owner can act on. */
export function asStoreError(err: unknown, file: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  const where = `The database ${file}`;
  const sentence = (() => {
    if (/^SQLITE_(BUSY|LOCKED)/.test(code ?? '')) return `${where} is locked by another process for longer than the busy timeout`;
    if (/^SQLITE_READONLY/.test(code ?? '') || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      return `${where} is read-only (check the permissions of the file and its folder)`;
    }
    if (code === 'SQLITE_NOTADB' || /^SQLITE_CORRUPT/.test(code ?? '')) {
      return `${where} is damaged or not a SQLite database; it is left untouched: repair it or move it away`;
    }
    if (/^SQLITE_CANTOPEN/.test(code ?? '') || code === 'ENOTDIR' || code === 'EISDIR') {
      return `${where} cannot be opened (${detail}); check that DATABASE_PATH names a file in a writable folder`;
    }
    if (/^SQLITE_FULL/.test(code ?? '') || code === 'ENOSPC') return `${where} cannot grow: the disk is full`;
    return `${where} failed: ${detail}`;
  })();
  return new StoreError(`${sentence}.`, code, { cause: err });
}
