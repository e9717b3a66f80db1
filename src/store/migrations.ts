/**
 * The database schema, one step per version. `PRAGMA user_version` records how many steps a file has had; a step
 * is never edited once released (files in the wild already ran it): change the schema by appending a step.
 */
export interface Migration {
  /** The `user_version` a file has after this step. */
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'answers the bot gave, answered or not',
    sql: `
      CREATE TABLE answers (
        id TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
        -- The cited article files, in citation order, as a JSON array of strings.
        sources TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources)),
        user_id TEXT NOT NULL,
        guild_id TEXT,
        channel_id TEXT,
        created_at INTEGER NOT NULL -- ms since the Unix epoch
      ) STRICT;
      CREATE INDEX answers_by_time ON answers (created_at);
    `,
  },
  {
    version: 2,
    description: 'one 👍/👎 per user per answer',
    sql: `
      CREATE TABLE votes (
        answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at INTEGER NOT NULL,
        PRIMARY KEY (answer_id, user_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'per-channel settings chosen with /settings',
    sql: `
      CREATE TABLE channel_settings (
        guild_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        -- NULL = not chosen: the default applies, which can change (ANSWER_CHANNEL_IDS, DEFAULT_K).
        mode TEXT CHECK (mode IN ('mentions', 'all', 'off')),
        citations INTEGER CHECK (citations BETWEEN 1 AND 10),
        threads INTEGER CHECK (threads IN (0, 1)),
        updated_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL, -- ms since the Unix epoch
        PRIMARY KEY (guild_id, channel_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
