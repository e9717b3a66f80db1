import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline } from '@xenova/transformers';
import type { Embedder } from './embedder.js';
import { ensureOfflineModel, OFFLINE_MODEL_ID } from './offline-model.js';

export { OFFLINE_MODEL_ID };

export interface EmbedderOptions {
  /** Hub model id, or OFFLINE_MODEL_ID. Default: env EMBEDDING_MODEL, else Xenova/all-MiniLM-L6-v2. */
  model?: string;
  /** Where models are cached (and the offline model built). Default: env MODEL_CACHE_DIR, else <repo>/.cache/models. */
  cacheDir?: string;
  /** Texts per model call. */
  batchSize?: number;
  /** May a hub model be downloaded? Default: yes, unless env HF_HUB_OFFLINE=1. */
  allowRemote?: boolean;
  /** One-line notices (building the offline model, falling back to it). Default: stderr. */
  log?: (msg: string) => void;
}

export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'models');
/** Measured on the offline model; larger batches gain nothing and pad more (see the bench in the report). */
const DEFAULT_BATCH_SIZE = 32;

/**
 * The window sentence-transformers trained these with; their tokenizer_config.json says 512 (BERT's position
 * table), but text past 256 tokens was never seen in training.
 */
const TRAINED_WINDOW: Record<string, number> = {
  'Xenova/all-MiniLM-L6-v2': 256,
  'Xenova/all-mpnet-base-v2': 384,
};

/** The parts of transformers.js' loosely typed tokenizer and model that are used here. */
interface Tensor {
  data: Float32Array | BigInt64Array;
  dims: number[];
}
interface Tokenizer {
  (texts: string[], options: { padding: boolean; truncation: boolean }): { input_ids: Tensor; attention_mask: Tensor };
  model_max_length?: number;
  all_special_ids: number[];
}
interface Model {
  (inputs: Record<string, Tensor>): Promise<{ last_hidden_state?: Tensor; token_embeddings?: Tensor; logits?: Tensor }>;
  config: { hidden_size?: number; max_position_embeddings?: number };
}
interface LoadedPipeline {
  tokenizer: Tokenizer;
  model: Model;
}

export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const model = options.model ?? process.env.EMBEDDING_MODEL ?? DEFAULT_MODEL;
  const cacheDir = path.resolve(options.cacheDir ?? process.env.MODEL_CACHE_DIR ?? DEFAULT_CACHE_DIR);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const log = options.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));

  if (model === OFFLINE_MODEL_ID) return loadOffline(cacheDir, batchSize, log);

  const allowRemote = options.allowRemote ?? !(process.env.HF_HUB_OFFLINE === '1' || process.env.TRANSFORMERS_OFFLINE === '1');
  let pipe: LoadedPipeline;
  try {
    pipe = await load(model, cacheDir, allowRemote);
  } catch (err) {
    const why = allowRemote ? describe(err) : `downloads disabled, ${describe(err)}`;
    log(`Embedding model ${model} could not be loaded (${why}); falling back to the offline model ${OFFLINE_MODEL_ID}.`);
    return loadOffline(cacheDir, batchSize, log);
  }
  return new TransformersEmbedder(model, pipe, batchSize, TRAINED_WINDOW[model]);
}

async function loadOffline(cacheDir: string, batchSize: number, log: (msg: string) => void): Promise<Embedder> {
  await ensureOfflineModel(cacheDir, log);
  const pipe = await load(OFFLINE_MODEL_ID, cacheDir, false);
  fastOfflineTokenizer(pipe.tokenizer);
  return new TransformersEmbedder(OFFLINE_MODEL_ID, pipe, batchSize);
}

/**
 * transformers.js' BertNormalizer walks the text one character at a time with a regex test per character, and
 * its WordPiece encoder slices and joins every word character by character before the first vocabulary lookup.
 * For the offline model's tokenizer (BertNormalizer with all four options on, a whole-word vocabulary with no
 * "##" pieces) both have exact shortcuts: the same normalisation as whole-string regexes, and a direct lookup
 * for in-vocabulary words (an out-of-vocabulary word still goes through the original, and becomes [UNK]).
 * The token ids are identical; tokenizing is ~40% faster. Applied only when the configuration is exactly that.
 */
export function fastOfflineTokenizer(tokenizer: unknown): void {
  const t = tokenizer as {
    normalizer?: { config?: Record<string, unknown>; normalize: (text: string) => string };
    model?: { config?: { type?: string }; tokens_to_ids?: Map<string, number>; max_input_chars_per_word?: number; encode: (tokens: string[]) => string[] };
  };
  const { normalizer, model } = t;
  const c = normalizer?.config;
  const bert = c?.type === 'BertNormalizer' && c.clean_text === true && c.handle_chinese_chars === true && c.lowercase === true && c.strip_accents === true;
  const vocab = model?.tokens_to_ids;
  if (!normalizer || !model || !bert || model.config?.type !== 'WordPiece' || !vocab) return;
  if ([...vocab.keys()].some((token) => token.startsWith('##'))) return;
  normalizer.normalize = (text: string) =>
    text
      .replace(/(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]/gu, '')
      .replace(/\s/g, ' ')
      .replace(/[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g, ' $& ')
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
  const original = model.encode.bind(model);
  const maxChars = model.max_input_chars_per_word ?? 100;
  model.encode = (tokens: string[]) => {
    const out: string[] = [];
    for (const token of tokens) {
      if (token.length <= maxChars && vocab.has(token)) out.push(token);
      else out.push(...original([token]));
    }
    return out;
  };
}

/**
 * transformers.js reads its settings from a global `env` while it loads, so loads are serialised and each sets
 * the settings it needs first. The cache doubles as the local model path: the offline model is found there, and a
 * downloaded hub model is found there again on the next start without asking the hub. A loaded model is shared by
 * every embedder of the process that asks for it.
 */
let loading: Promise<unknown> = Promise.resolve();
const loaded = new Map<string, Promise<LoadedPipeline>>();

function load(model: string, cacheDir: string, allowRemote: boolean): Promise<LoadedPipeline> {
  const key = `${cacheDir}\0${model}`;
  const known = loaded.get(key);
  if (known) return known;
  const next = loading.then(async () => {
    env.allowLocalModels = true;
    env.localModelPath = cacheDir + path.sep;
    env.cacheDir = cacheDir;
    env.allowRemoteModels = allowRemote;
    return (await pipeline('feature-extraction', model)) as unknown as LoadedPipeline;
  });
  loading = next.catch(() => undefined);
  loaded.set(key, next);
  next.catch(() => loaded.delete(key)); // a failure is not remembered: the network or cache may be back next time
  return next;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch() reports "fetch failed" and hides the reason (DNS, refused, ...) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`.replace(/\s+/g, ' ').trim();
}

class TransformersEmbedder implements Embedder {
  readonly dimension: number;
  readonly maxTokens: number;
  private readonly special: Set<number>;

  constructor(
    readonly modelId: string,
    private readonly pipe: LoadedPipeline,
    private readonly batchSize: number,
    trainedWindow?: number,
  ) {
    const { tokenizer, model } = pipe;
    const dimension = model.config.hidden_size;
    if (!dimension) throw new Error(`${modelId}: config.json has no hidden_size`);
    this.dimension = dimension;
    // Some tokenizers declare no limit (or a huge sentinel); the position table is then the real one.
    const windows = [tokenizer.model_max_length, model.config.max_position_embeddings, trainedWindow, 512];
    this.maxTokens = Math.min(...windows.filter((w): w is number => typeof w === 'number' && w > 0));
    // Truncation in the tokenizer follows model_max_length.
    tokenizer.model_max_length = this.maxTokens;
    this.special = new Set(tokenizer.all_special_ids);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    // Batching texts of similar length wastes less work on padding.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const ids = order.slice(start, start + this.batchSize);
      const vectors = await this.embedBatch(ids.map((i) => texts[i]));
      ids.forEach((id, j) => (out[id] = vectors[j]));
    }
    return out;
  }

  /**
   * Mean pooling over the attention mask, then L2 normalisation, done here rather than by the pipeline's
   * `pooling: 'mean'`, which converts every mask entry from BigInt once per hidden dimension.
   */
  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const dim = this.dimension;
    const vectors = texts.map(() => new Float32Array(dim));
    const inputs = this.pipe.tokenizer(texts, { padding: true, truncation: true });
    const [batch, seq] = inputs.input_ids.dims;
    const ids = inputs.input_ids.data as BigInt64Array;
    const mask = inputs.attention_mask.data as BigInt64Array;
    // A text whose tokens are all special ([CLS], [SEP], [UNK], ...) carries no meaning: it keeps a zero vector.
    const meaningful = vectors.map((_, b) => {
      for (let t = b * seq; t < (b + 1) * seq; t++) if (mask[t] !== 0n && !this.special.has(Number(ids[t]))) return true;
      return false;
    });
    if (!meaningful.includes(true)) return vectors;

    const outputs = await this.pipe.model(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? outputs.logits;
    if (!hidden || hidden.dims[2] !== dim) throw new Error(`${this.modelId}: unexpected model output`);
    const data = hidden.data as Float32Array;
    for (let b = 0; b < batch; b++) {
      if (!meaningful[b]) continue;
      const v = vectors[b];
      for (let t = 0; t < seq; t++) {
        if (mask[b * seq + t] === 0n) continue;
        const row = (b * seq + t) * dim;
        for (let k = 0; k < dim; k++) v[k] += data[row + k];
      }
      // Dividing by the token count is skipped: normalisation cancels it.
      let norm = 0;
      for (let k = 0; k < dim; k++) norm += v[k] * v[k];
      norm = Math.sqrt(norm);
      if (norm > 0 && Number.isFinite(norm)) for (let k = 0; k < dim; k++) v[k] /= norm;
      else v.fill(0);
    }
    return vectors;
  }
}
