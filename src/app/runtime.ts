import type { Embedder } from '../embed/embedder.js';
import { createEmbedder } from '../embed/transformers-embedder.js';
import { IndexService } from '../index/index-service.js';
import type { CoreSettings } from './settings.js';

export interface Runtime {
  embedder: Embedder;
  index: IndexService;
}

/** Loads the embedding model and wires the index service; the index itself loads or builds on first use. */
export async function openRuntime(settings: CoreSettings, log: (message: string) => void): Promise<Runtime> {
  const embedder = await createEmbedder({ model: settings.model, cacheDir: settings.modelCacheDir, log });
  const index = new IndexService({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder, log });
  return { embedder, index };
}
