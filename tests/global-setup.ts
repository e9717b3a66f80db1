import { ensureOfflineModel } from '../src/embed/offline-model.js';
import { DEFAULT_CACHE_DIR } from '../src/embed/transformers-embedder.js';

/** Builds the offline model once, before test files run in parallel workers that all need it. */
export default async function setup(): Promise<void> {
  await ensureOfflineModel(process.env.MODEL_CACHE_DIR || DEFAULT_CACHE_DIR, (message) => process.stderr.write(`${message}\n`));
}
