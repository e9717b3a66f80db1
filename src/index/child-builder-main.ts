/*
 * The build process that ChildProcessBuilder forks: loads its own embedder (the parent's model), reads what it reuses
 * of the previous generation from disk (loadBuildBase: passages and vectors, not the graph or the statistics), builds
 * and writes the new generation, and reports over IPC. Run as
 * `node --import tsx src/index/child-builder-main.ts '<ChildBuildRequest JSON>'`.
 */
import os from 'node:os';
import { createEmbedder } from '../embed/transformers-embedder.js';
import { buildGeneration } from './build.js';
import { readUsableIndex } from './builder.js';
import { loadBuildBase } from './store.js';
import type { ChildBuildMessage, ChildBuildRequest } from './child-builder.js';

const send = (message: ChildBuildMessage): Promise<void> =>
  new Promise((resolve) => (process.connected ? process.send!(message, () => resolve()) : resolve()));

async function main(request: ChildBuildRequest): Promise<void> {
  const log = (message: string) => void send({ type: 'log', message });
  const embedder = await createEmbedder({ model: request.model, cacheDir: request.modelCacheDir, allowRemote: false, log });
  // The parent searches with its model; an index built by another (a fallback here) would be refused on load.
  if (embedder.modelId !== request.model) {
    throw new Error(`the build process could not load the model ${request.model} from the cache.`);
  }
  // Leased until this process exits, so the generation it reads from stays on disk meanwhile.
  const previous = request.reusePrevious ? ((await readUsableIndex(request.indexDir, request.corpusDir, embedder, log, loadBuildBase))?.snapshot ?? null) : null;
  // Not opened here: the parent loads the new generation itself, with every check a start-up makes.
  const { summary } = await buildGeneration({
    corpusDir: request.corpusDir,
    indexDir: request.indexDir,
    embedder,
    previous,
    onProgress: (progress) => void send({ type: 'progress', progress }),
    warn: log,
    maxArticleBytes: request.maxArticleBytes,
  });
  await send({ type: 'done', summary });
}

if (process.send && process.argv[2]) {
  // Background work: on a machine with few cores the parent's event loop (acknowledging Discord within 3 s) comes
  // first. Threads started from here on, onnxruntime's among them, inherit the priority.
  try {
    os.setPriority(os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not permitted here (some containers): build at normal priority.
  }
  // The parent died or stopped listening: nobody would load what this builds.
  process.once('disconnect', () => process.exit(1));
  main(JSON.parse(process.argv[2]) as ChildBuildRequest).then(
    () => process.exit(0),
    async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      await send({ type: 'failed', message: `The index build failed: ${message.replace(/\.?\s*$/, '.')}` });
      process.exit(1);
    },
  );
}
