import type { Embedder } from '../../src/embed/embedder.js';

/**
 * A deterministic bag-of-words embedder for tests of the index machinery (storage, checks, incremental
 * updates), where what matters is that vectors are stable per text, not that they mean anything.
 */
export function hashingEmbedder(dimension = 32, modelId = 'test-hashing'): Embedder & { calls: number; texts: number } {
  const embedder = {
    modelId,
    dimension,
    maxTokens: 512,
    calls: 0,
    texts: 0,
    async embed(texts: string[]): Promise<Float32Array[]> {
      embedder.calls += 1;
      embedder.texts += texts.length;
      return texts.map((text) => {
        const v = new Float32Array(dimension);
        for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
          let h = 2166136261;
          for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
          v[(h >>> 0) % dimension] += 1;
        }
        const norm = Math.hypot(...v);
        return norm ? v.map((x) => x / norm) : v;
      });
    },
  };
  return embedder;
}
