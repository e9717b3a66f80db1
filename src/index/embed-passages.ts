import type { Embedder } from '../embed/embedder.js';
import type { BuildProgress } from './build.js';

/** Embeds `items` in batches into their rows of `vectors`, reporting progress after each batch. */
export async function embedInto(
  vectors: Float32Array,
  items: ReadonlyArray<{ position: number; text: string }>,
  embedder: Embedder,
  options: { batchSize?: number; onProgress?: (progress: BuildProgress) => void },
): Promise<void> {
  const dim = embedder.dimension;
  const batchSize = options.batchSize ?? 64;
  options.onProgress?.({ phase: 'embedding', done: 0, total: items.length });
  for (let i = 0; i < items.length; i += batchSize) {
    const batch = items.slice(i, i + batchSize);
    const embedded = await embedder.embed(batch.map((b) => b.text));
    batch.forEach((b, j) => vectors.set(embedded[j], b.position * dim));
    options.onProgress?.({ phase: 'embedding', done: Math.min(i + batchSize, items.length), total: items.length });
  }
}

/** A zero row has no direction: cosine with it is undefined, so it stays out of the vector index. */
export function hasDirection(vectors: Float32Array, id: number, dim: number): boolean {
  for (let i = id * dim; i < (id + 1) * dim; i++) if (vectors[i] !== 0) return true;
  return false;
}
