import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { asStoreError, busyTimeout, openDatabase, prepared, StoreError, whileBusy, type OpenOptions, type SqliteDatabase } from '../store/database.js';
import { questionKey } from './question-key.js';

/** One answer the bot gave, as recorded: what was asked, by whom, where, and what it cited. */
export interface AnswerRecord {
  question: string;
  answered: boolean;
  /** Cited article files, in citation order. */
  sources: string[];
  userId: string;
  guildId: string | null;
  channelId: string | null;
}

/** An answer as stored, for the buttons that act on it later ("More"). */
export interface StoredAnswer {
  question: string;
  guildId: string | null;
  sources: string[];
}

export type Vote = 1 | -1;

export interface VoteCounts {
  up: number;
  down: number;
}

export type VoteOutcome =
  /** `vote` is the user's vote now: null when the click took back the vote they had. */
  | { status: 'recorded'; vote: Vote | null; counts: VoteCounts }
  | { status: 'unknown-answer' }
  | { status: 'other-guild'; answerGuildId: string | null }
  | { status: 'unavailable'; problem: StoreError };

export type StoreResult<T> = { ok: true; value: T } | { ok: false; problem: StoreError };

export interface FeedbackStoreOptions extends Pick<OpenOptions, 'busyTimeoutMs' | 'migrations'> {
  /** After a failed open, wait this long before trying the file again (default 10 s). */
  reopenAfterMs?: number;
  /** Milliseconds since the epoch; tests move it. */
  clock?: () => number;
  /** Called once each time the store becomes unusable for a new reason; the error's message is one sentence. */
  onProblem?: (problem: StoreError) => void;
  /** Called when the store works again after a problem. */
  onRecovered?: () => void;
}

/** Answer ids travel in button custom ids: short, URL-safe, unguessable (72 random bits). */
export const ANSWER_ID = /^[A-Za-z0-9_-]{12}$/;

function newAnswerId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Durable feedback: the answers the bot gave and the votes on them, in SQLite. Never throws for a database that is
 * missing, locked, read-only or damaged: each operation then returns the problem, the owner is told once (through
 * `onProblem`), and the bot goes on answering questions. Nothing here ever deletes or rewrites a damaged file.
 */
export class FeedbackStore {
  private db: SqliteDatabase | null = null;
  private lastOpenAttempt = -Infinity;
  private openProblem: StoreError | null = null;
  private reported: string | null = null;
  private readonly clock: () => number;

  constructor(
    readonly file: string,
    private readonly options: FeedbackStoreOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.connection(); // opening early puts a problem in the log at start-up, not at the first vote
  }

  now(): number {
    return this.clock();
  }

  /** Records an answer and returns its id, which the answer's buttons carry. */
  recordAnswer(record: AnswerRecord): StoreResult<string> {
    return this.use((db) => {
      const id = newAnswerId();
      prepared(
        db,
        `INSERT INTO answers (id, question, answered, sources, user_id, guild_id, channel_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, record.question, record.answered ? 1 : 0, JSON.stringify(record.sources), record.userId, record.guildId, record.channelId, this.clock());
      return id;
    });
  }

  /**
   * One vote per user per answer: a different vote replaces the user's earlier one, the same vote again takes it
   * back (like a reaction). Only clicks from the answer's own server count.
   */
  vote(answerId: string, userId: string, guildId: string | null, vote: Vote): VoteOutcome {
    const result = this.use((db) =>
      // IMMEDIATE: read and write under one write lock, so two processes cannot interleave a user's clicks.
      db
        .transaction((): VoteOutcome => {
          const answer = prepared(db, 'SELECT guild_id FROM answers WHERE id = ?').get(answerId) as { guild_id: string | null } | undefined;
          if (!answer) return { status: 'unknown-answer' };
          if (answer.guild_id !== guildId) return { status: 'other-guild', answerGuildId: answer.guild_id };
          const before = prepared(db, 'SELECT vote FROM votes WHERE answer_id = ? AND user_id = ?').pluck().get(answerId, userId);
          let now: Vote | null = vote;
          if (before === vote) {
            prepared(db, 'DELETE FROM votes WHERE answer_id = ? AND user_id = ?').run(answerId, userId);
            now = null;
          } else {
            prepared(
              db,
              `INSERT INTO votes (answer_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at`,
            ).run(answerId, userId, vote, this.clock());
          }
          return { status: 'recorded', vote: now, counts: countVotes(db, answerId) };
        })
        .immediate(),
    );
    return result.ok ? result.value : { status: 'unavailable', problem: result.problem };
  }

  /** The recorded answer with this id; null when there is none. */
  findAnswer(answerId: string): StoreResult<StoredAnswer | null> {
    return this.use((db) => {
      const row = prepared(db, 'SELECT question, guild_id, sources FROM answers WHERE id = ?').get(answerId) as
        | { question: string; guild_id: string | null; sources: string }
        | undefined;
      return row ? { question: row.question, guildId: row.guild_id, sources: JSON.parse(row.sources) as string[] } : null;
    });
  }

  /** The 👍/👎 counts of an answer; null when the answer is unknown. */
  counts(answerId: string): StoreResult<VoteCounts | null> {
    return this.use((db) => (prepared(db, 'SELECT 1 FROM answers WHERE id = ?').get(answerId) ? countVotes(db, answerId) : null));
  }

  /** Runs read queries (the report) on the connection; `question_key(text)` is available in SQL. */
  read<T>(query: (db: SqliteDatabase) => T): StoreResult<T> {
    return this.use(query);
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  /**
   * Runs `operation` on the connection (waiting out another process's write lock), reporting a database problem
   * as a result, never a throw. Public so that other stores of the same file (channel settings) share this one
   * connection and its problem reporting.
   */
  use<T>(operation: (db: SqliteDatabase) => T): StoreResult<T> {
    const db = this.connection();
    if (!db.ok) return db;
    try {
      const value = whileBusy(busyTimeout(this.options), () => operation(db.value));
      this.recovered();
      return { ok: true, value };
    } catch (err) {
      // Only the database's own failures are expected here; anything else is a bug and must stay loud.
      if (!(err instanceof Database.SqliteError)) throw err;
      return { ok: false, problem: this.problem(asStoreError(err, this.file)) };
    }
  }

  private connection(): StoreResult<SqliteDatabase> {
    if (this.db) return { ok: true, value: this.db };
    if (this.openProblem && this.clock() - this.lastOpenAttempt < (this.options.reopenAfterMs ?? 10_000)) {
      return { ok: false, problem: this.openProblem };
    }
    this.lastOpenAttempt = this.clock();
    try {
      const db = openDatabase(this.file, this.options);
      db.function('question_key', { deterministic: true }, (text: unknown) => questionKey(String(text ?? '')));
      this.db = db;
      this.openProblem = null;
      return { ok: true, value: db };
    } catch (err) {
      this.openProblem = this.problem(asStoreError(err, this.file));
      return { ok: false, problem: this.openProblem };
    }
  }

  /** Tells the owner once per distinct problem, not once per click. */
  private problem(problem: StoreError): StoreError {
    if (this.reported !== problem.message) {
      this.reported = problem.message;
      this.options.onProblem?.(problem);
    }
    return problem;
  }

  private recovered(): void {
    if (this.reported === null) return;
    this.reported = null;
    this.options.onRecovered?.();
  }
}

function countVotes(db: SqliteDatabase, answerId: string): VoteCounts {
  const counting = 'SELECT COALESCE(SUM(vote = 1), 0) AS up, COALESCE(SUM(vote = -1), 0) AS down FROM votes WHERE answer_id = ?';
  const row = prepared(db, counting).get(answerId) as VoteCounts;
  return { up: Number(row.up), down: Number(row.down) };
}
