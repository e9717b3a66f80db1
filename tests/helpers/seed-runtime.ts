import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import type { CoreSettings } from '../../src/app/settings.js';

/** A fresh copy of the repository's seed corpus in a temp folder, with an (empty) index folder beside it. */
export async function tempCorpus(prefix = 'seeds-'): Promise<CoreSettings & { root: string; corpusDir: string; indexDir: string }> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  const corpusDir = path.join(root, 'corpus');
  await cp('corpus', corpusDir, { recursive: true });
  return { root, corpusDir, indexDir: path.join(root, 'embeddings'), model: 'glove-sif-100d' };
}

/** A runtime over a private copy of the seed corpus and a private index folder, with the offline model. */
export async function seedRuntime(): Promise<Runtime & { corpusDir: string; indexDir: string }> {
  const settings = await tempCorpus();
  const runtime = await openRuntime(settings, () => {});
  return { ...runtime, corpusDir: settings.corpusDir, indexDir: settings.indexDir };
}
