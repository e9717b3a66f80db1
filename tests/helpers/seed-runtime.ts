import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';

/** A runtime over a private copy of the seed corpus and a private index folder, with the offline model. */
export async function seedRuntime(): Promise<Runtime & { corpusDir: string; indexDir: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'seeds-'));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'embeddings');
  await cp('corpus', corpusDir, { recursive: true });
  const runtime = await openRuntime({ corpusDir, indexDir, model: 'glove-sif-100d' }, () => {});
  return { ...runtime, corpusDir, indexDir };
}
