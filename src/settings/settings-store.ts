import type { StoreResult } from '../feedback/feedback-store.js';
import { prepared, type SqliteDatabase, type StoreError } from '../store/database.js';
import type { ChosenSettings, StoredChannelSettings } from './channel-settings.js';

/** The connection the settings live on: the bot's one connection to its database (FeedbackStore.use). */
export interface DatabaseAccess {
  use<T>(operation: (db: SqliteDatabase) => T): StoreResult<T>;
}

export interface SettingsStoreOptions {
  /** Milliseconds since the epoch; tests move it. */
  clock?: () => number;
  /** Called once each time reading the settings fails for a new reason (the defaults apply meanwhile). */
  onReadProblem?: (problem: StoreError) => void;
}

/** Beyond this many cached channels the cache starts again: a bound, not a tuning knob. */
const MAX_CACHED = 10_000;

interface Row {
  guild_id: string;
  channel_id: string;
  mode: ChosenSettings['mode'];
  citations: number | null;
  threads: number | null;
  updated_by: string;
  updated_at: number;
}

const COLUMNS = 'guild_id, channel_id, mode, citations, threads, updated_by, updated_at';

/**
 * The channel_settings table, with a read-through cache for the lookup every message and /ask makes.
 *
 * Why the cache stays right when a second bot process shares the file: before using the cache, `lookup` reads
 * `PRAGMA data_version`, which SQLite changes on this connection whenever ANOTHER connection has committed to the
 * file since the last look (this connection's own commits do not change it: those update the cache directly). A
 * new value empties the cache, so a change made by another process applies from the very next message, with no
 * TTL to wait out. The pragma reads the WAL index in shared memory, no table page: microseconds. A vote written by
 * the other process empties the cache too; the cost is one primary-key SELECT per channel afterwards.
 */
export class SettingsStore {
  private readonly cache = new Map<string, StoredChannelSettings | null>();
  private seenVersion: number | null = null;
  private reported: string | null = null;
  private readonly clock: () => number;

  constructor(
    private readonly database: DatabaseAccess,
    private readonly options: SettingsStoreOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * What was chosen for a channel, or null. When the database cannot be read, the last value this process saw
   * (or null: the defaults) — the bot keeps answering; the problem is reported once.
   */
  lookup(guildId: string, channelId: string): StoredChannelSettings | null {
    const key = cacheKey(guildId, channelId);
    const result = this.database.use((db) => {
      const version = Number(prepared(db, 'PRAGMA data_version').pluck().get());
      if (version !== this.seenVersion) {
        this.cache.clear();
        this.seenVersion = version;
      }
      if (this.cache.has(key)) return this.cache.get(key) ?? null;
      const row = prepared(db, `SELECT ${COLUMNS} FROM channel_settings WHERE guild_id = ? AND channel_id = ?`).get(guildId, channelId) as Row | undefined;
      return this.remember(key, row ? fromRow(row) : null);
    });
    if (result.ok) {
      this.reported = null;
      return result.value;
    }
    this.reportReadProblem(result.problem);
    // A reopened connection counts data_version afresh: whatever it says next, the cache must be checked again.
    this.seenVersion = null;
    return this.cache.get(key) ?? null;
  }

  /** Every channel of a server with something chosen, or of every server when `guildId` is null. */
  list(guildId: string | null): StoreResult<StoredChannelSettings[]> {
    return this.database.use((db) => {
      const rows = (
        guildId === null
          ? prepared(db, `SELECT ${COLUMNS} FROM channel_settings ORDER BY guild_id, channel_id`).all()
          : prepared(db, `SELECT ${COLUMNS} FROM channel_settings WHERE guild_id = ? ORDER BY channel_id`).all(guildId)
      ) as Row[];
      return rows.map(fromRow);
    });
  }

  /** Applies a change (options not given keep their earlier choice) and returns what is now stored. */
  update(guildId: string, channelId: string, change: ChosenSettings, updatedBy: string): StoreResult<StoredChannelSettings> {
    const threads = change.threads === null ? null : change.threads ? 1 : 0;
    return this.database.use((db) => {
      const row = db
        .transaction(() =>
          prepared(
            db,
            `INSERT INTO channel_settings (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (guild_id, channel_id) DO UPDATE SET
               mode = COALESCE(excluded.mode, mode), citations = COALESCE(excluded.citations, citations),
               threads = COALESCE(excluded.threads, threads), updated_by = excluded.updated_by, updated_at = excluded.updated_at
             RETURNING ${COLUMNS}`,
          ).get(guildId, channelId, change.mode, change.citations, threads, updatedBy, this.clock()) as Row,
        )
        .immediate();
      // Remembered once committed: a commit that failed must not show in this process either.
      return this.remember(cacheKey(guildId, channelId), fromRow(row))!;
    });
  }

  /** Forgets what was chosen for a channel; true when there was something. */
  reset(guildId: string, channelId: string): StoreResult<boolean> {
    return this.database.use((db) => {
      const removed = prepared(db, 'DELETE FROM channel_settings WHERE guild_id = ? AND channel_id = ?').run(guildId, channelId).changes > 0;
      this.remember(cacheKey(guildId, channelId), null);
      return removed;
    });
  }

  /** Whether any channel of any server answers every message: the bot then needs the Message Content intent. */
  anyReadsEveryMessage(): StoreResult<boolean> {
    return this.database.use((db) => prepared(db, "SELECT 1 FROM channel_settings WHERE mode = 'all' LIMIT 1").get() !== undefined);
  }

  private remember(key: string, value: StoredChannelSettings | null): StoredChannelSettings | null {
    if (this.cache.size >= MAX_CACHED && !this.cache.has(key)) this.cache.clear();
    this.cache.set(key, value);
    return value;
  }

  private reportReadProblem(problem: StoreError): void {
    if (this.reported === problem.message) return;
    this.reported = problem.message;
    this.options.onReadProblem?.(problem);
  }
}

function cacheKey(guildId: string, channelId: string): string {
  return `${guildId}/${channelId}`;
}

function fromRow(row: Row): StoredChannelSettings {
  return {
    guildId: row.guild_id,
    channelId: row.channel_id,
    mode: row.mode,
    citations: row.citations,
    threads: row.threads === null ? null : row.threads === 1,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
