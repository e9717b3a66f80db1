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
