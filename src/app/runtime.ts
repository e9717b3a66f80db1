import type { AnswerModels } from '../answer/answer.js';
import { createEmbedder } from '../embed/transformers-embedder.js';
import { IndexService } from '../index/index-service.js';
import { Lexicon } from '../search/lexicon.js';
import type { CoreSettings } from './settings.js';

export interface Runtime extends AnswerModels {
  index: IndexService;
}

/** Loads the embedding model and the word-rarity table; the index itself loads or builds on first use. */
export async function openRuntime(settings: CoreSettings, log: (message: string) => void): Promise<Runtime> {
  const [embedder, lexicon] = await Promise.all([
    createEmbedder({ model: settings.model, cacheDir: settings.modelCacheDir, log }),
    Lexicon.load(),
  ]);
  const index = new IndexService({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder, log });
  return { embedder, lexicon, index };
}
