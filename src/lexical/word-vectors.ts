import { readFileSync } from 'node:fs';
import path from 'node:path';
import onnx from 'onnx-proto';

/**
 * The offline model's word vectors (GloVe 100d, SIF-weighted, common component removed; int8 per row), read
 * straight from its ONNX file and tokenizer: how close two words are in the way news text uses them. Row scales
 * cancel in a cosine, so the int8 rows are used as they are.
 */
export class WordVectors {
  private readonly norms = new Map<number, number>();

  private constructor(
    private readonly table: Int8Array,
    private readonly dim: number,
    private readonly ids: ReadonlyMap<string, number>,
  ) {}

  /** `modelDir` is the built offline model (`<MODEL_CACHE_DIR>/glove-sif-100d`). */
  static load(modelDir: string): WordVectors {
    const model = onnx.onnx.ModelProto.decode(readFileSync(path.join(modelDir, 'onnx', 'model.onnx')));
    const tensor = model.graph?.initializer?.find((t) => t.name === 'embeddings.int8');
    const dims = tensor?.dims?.map(Number) ?? [];
    if (!tensor?.rawData || dims.length !== 2) throw new Error(`${modelDir}: no int8 embedding table in the model`);
    const raw = tensor.rawData;
    const table = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    const tokenizer = JSON.parse(readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    return new WordVectors(table, dims[1], new Map(Object.entries(tokenizer.model.vocab)));
  }

  has(word: string): boolean {
    return this.ids.has(word.toLowerCase());
  }

  /** Cosine of two words, or of the mean vectors of two multi-word expressions; null when a word has no vector. */
  similarity(a: string, b: string): number | null {
    const va = this.meanOf(a);
    const vb = this.meanOf(b);
    if (!va || !vb) return null;
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let k = 0; k < this.dim; k++) {
      dot += va[k] * vb[k];
      na += va[k] * va[k];
      nb += vb[k] * vb[k];
    }
    return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : null;
  }

  /** Unit rows averaged, so each word of "cease fire" counts alike. */
  private meanOf(text: string): Float64Array | null {
    const words = text.toLowerCase().split(/[\s-]+/).filter(Boolean);
    const sum = new Float64Array(this.dim);
    for (const word of words) {
      const id = this.ids.get(word);
      if (id === undefined) return null;
      const norm = this.norm(id);
      if (norm === 0) return null;
      for (let k = 0; k < this.dim; k++) sum[k] += this.table[id * this.dim + k] / norm;
    }
    return words.length ? sum : null;
  }

  private norm(id: number): number {
    let n = this.norms.get(id);
    if (n === undefined) {
      let sq = 0;
      for (let k = id * this.dim; k < (id + 1) * this.dim; k++) sq += this.table[k] * this.table[k];
      n = Math.sqrt(sq);
      this.norms.set(id, n);
    }
    return n;
  }
}
