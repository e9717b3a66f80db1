import type { AnswerModels } from '../answer/answer.js';
import path from 'node:path';
import { ensureOfflineModel, OFFLINE_MODEL_ID } from '../embed/offline-model.js';
import { createEmbedder, DEFAULT_CACHE_DIR } from '../embed/transformers-embedder.js';
import { ChildProcessBuilder } from '../index/child-builder.js';
import { IndexService } from '../index/index-service.js';
import { PartOfSpeech } from '../lexical/part-of-speech.js';
import { WordVectors } from '../lexical/word-vectors.js';
import { WordNet } from '../lexical/wordnet.js';
import { prepareCorpusStats } from '../search/corpus-stats.js';
import { Lexicon } from '../search/lexicon.js';
import type { CoreSettings } from './settings.js';

export interface Runtime extends AnswerModels {
  index: IndexService;
}

/**
 * Loads the embedding model, the word-rarity table, WordNet, the offline model's word vectors (which judge
 * WordNet's senses whatever model embeds the passages) and the part-of-speech tagger; the index itself loads or builds on first use. Builds run
 * in a child process with the model this process resolved to (a fallback included), so answering never waits.
 */
export async function openRuntime(settings: CoreSettings, log: (message: string) => void): Promise<Runtime> {
  const [embedder, lexicon] = await Promise.all([
    createEmbedder({ model: settings.model, cacheDir: settings.modelCacheDir, log }),
    Lexicon.load(),
  ]);
  const builder = new ChildProcessBuilder({ model: embedder.modelId, modelCacheDir: settings.modelCacheDir });
  const index = new IndexService({
    corpusDir: settings.corpusDir,
    indexDir: settings.indexDir,
    embedder,
    builder,
    log,
    maxArticleBytes: settings.maxArticleBytes,
    prepare: prepareCorpusStats,
  });
  return { embedder, lexicon, wordnet: WordNet.load(), vectors: await loadWordVectors(settings, log), partOfSpeech: PartOfSpeech.load(), index };
}

async function loadWordVectors(settings: CoreSettings, log: (message: string) => void): Promise<WordVectors | null> {
  const cacheDir = path.resolve(settings.modelCacheDir ?? process.env.MODEL_CACHE_DIR ?? DEFAULT_CACHE_DIR);
  try {
    await ensureOfflineModel(cacheDir, log);
    return WordVectors.load(path.join(cacheDir, OFFLINE_MODEL_ID));
  } catch (err) {
    log(`Word vectors unavailable (${err instanceof Error ? err.message : String(err)}); synonyms are used without a sense check.`);
    return null;
  }
}
