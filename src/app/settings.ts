import { existsSync, statSync } from 'node:fs';
import { DEFAULT_MAX_ARTICLE_BYTES, MAX_ARTICLE_BYTES_CEILING } from '../corpus/loader.js';

/** Where the corpus, index and model live; shared by every command and the bot. Flags override the environment. */
export interface CoreSettings {
  corpusDir: string;
  indexDir: string;
  /** Embedding model id; undefined means the embedder's default. */
  model?: string;
  /** Model cache directory; undefined means the embedder's default. */
  modelCacheDir?: string;
  /** Articles larger than this are skipped with a warning; undefined means the loader's default. */
  maxArticleBytes?: number;
}

/** A setting that is missing or malformed; the message names it and never includes its value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function coreSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CoreSettings {
  return {
    corpusDir: env.CORPUS_DIR || 'corpus',
    indexDir: env.INDEX_DIR || 'embeddings',
    model: env.EMBEDDING_MODEL || undefined,
    modelCacheDir: env.MODEL_CACHE_DIR || undefined,
    maxArticleBytes: wholeNumber(env, 'MAX_ARTICLE_BYTES', DEFAULT_MAX_ARTICLE_BYTES, 1, MAX_ARTICLE_BYTES_CEILING),
  };
}

/** An optional whole-number setting within [min, max]; empty means `fallback`. Throws ConfigError. */
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

/** The feedback database (answers, votes); created with its folder on first use. */
export const DEFAULT_DATABASE_PATH = '.data/newsdesk.sqlite';

export function databasePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH;
}

/**
 * Why a database path cannot be used, or null. An in-memory database or a folder would not fail at once: every
 * vote would just vanish at the next restart, so both are refused at start-up.
 */
export function databasePathProblem(file: string): string | null {
  const isFolder = /[\\/]$/.test(file) || (existsSync(file) && statSync(file).isDirectory());
  if (file === ':memory:' || file.startsWith('file:') || isFolder) {
    return `DATABASE_PATH must name a database file (e.g. ${DEFAULT_DATABASE_PATH}), not a folder, :memory: or a file: URI.`;
  }
  return null;
}
