/** Where the corpus, index and model live; shared by every command and the bot. Flags override the environment. */
export interface CoreSettings {
  corpusDir: string;
  indexDir: string;
  /** Embedding model id; undefined means the embedder's default. */
  model?: string;
  /** Model cache directory; undefined means the embedder's default. */
  modelCacheDir?: string;
}

export function coreSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CoreSettings {
  return {
    corpusDir: env.CORPUS_DIR || 'corpus',
    indexDir: env.INDEX_DIR || 'embeddings',
    model: env.EMBEDDING_MODEL || undefined,
    modelCacheDir: env.MODEL_CACHE_DIR || undefined,
  };
}
