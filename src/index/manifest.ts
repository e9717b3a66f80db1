import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChunkingOptions } from '../chunk/chunker.js';

// 2: keyword index terms are Porter-stemmed. 3: chunks carry their sentence spans. 4: function words (why, does,
// according...) are stop words in the keyword index. 5: the manifest's own checksum. 6: chunks.json and
// keywords.json hold one element per line (loaded in slices). 7: irregular verb forms ("said") are indexed under
// their base form's stem. 8: the story clusters, grouped by the build (so answering never computes them).
// 9: passages, the keyword index (FTS5) and corpus statistics in passages.db instead of chunks.json and keywords.json.
// 10: stock phrases take no part in story grouping; passages.db holds its trigram index (story-postings.ts).
// 11: "US" in capitals is indexed as the country, not dropped as the pronoun; "vs" is a stop word, "hello" no longer.
export const MANIFEST_VERSION = 11;

export interface HnswParameters {
  m: number;
  efConstruction: number;
  efSearch: number;
}

/**
 * Measured by `npm run bench` on 12k passages: efSearch 128 gives recall@10 0.999 against brute force (64: 0.998,
 * 30: 0.989); efConstruction 64 builds a quarter faster than 100 for a loss in the fourth decimal.
 */
export const DEFAULT_HNSW: HnswParameters = { m: 16, efConstruction: 64, efSearch: 128 };

export interface ManifestDocument {
  source: string;
  title: string;
  date: string | null;
  url: string | null;
  hash: string;
  chunks: number;
  /** Size and modification time of the file as read: a reindex that finds both unchanged need not read it. */
  size?: number;
  mtimeMs?: number;
}

/** Written beside the index; everything needed to decide whether the files may be searched. */
export interface Manifest {
  version: number;
  model: string;
  dimension: number;
  chunking: ChunkingOptions;
  hnsw: HnswParameters;
  /** By file name, in corpus order. */
  documents: Record<string, ManifestDocument>;
  /**
   * `vectors`: passages in the vector index; `deletedVectors`: labels marked deleted there by one-article updates
   * (update.ts), which hnswlib still counts.
   */
  counts: { documents: number; chunks: number; vectors: number; deletedVectors: number };
  /**
   * Articles that report the same story (story-grouping.ts): groups of two or more manifest keys, each sorted by date
   * (undated last), then file. Grouped by the build because it takes over a second on 12,000 passages.
   */
  stories: string[][];
  /** sha256 of each data file, so a truncated or altered file is caught before hnswlib reads it. */
  files: Record<string, string>;
  builtAt: string;
  buildSeconds: number;
}

/** Why an index on disk cannot be searched; the message is one sentence shown to the operator. */
export class IndexUnusableError extends Error {
  override name = 'IndexUnusableError';
}

/*
 * The manifest decides what users are shown (titles, sources, dates) and what hnswlib is given (dimension,
 * efSearch), so it is never trusted blindly: its checksum catches any change to what was written (a flipped bit
 * in a title still parses and still fits the schema), and the schema catches a manifest that is well-formed but
 * not what this code writes, before a bad value reaches hnswlib as a native type error or a user as a crash.
 */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex');
const wholeCount = z.number().int().nonnegative();
const positiveWhole = z.number().int().positive();

const chunkingSchema = z.strictObject({ maxWords: positiveWhole, overlapSentences: wholeCount });
const hnswSchema = z.strictObject({ m: positiveWhole, efConstruction: positiveWhole, efSearch: positiveWhole });
const documentSchema = z.strictObject({
  source: z.string().min(1),
  title: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').nullable(),
  url: z.string().nullable(),
  hash: sha256Hex,
  chunks: wholeCount,
  size: wholeCount.optional(),
  mtimeMs: z.number().nonnegative().optional(),
});

const manifestSchema: z.ZodType<Manifest> = z
  .strictObject({
    version: z.literal(MANIFEST_VERSION),
    model: z.string().min(1),
    dimension: positiveWhole,
    chunking: chunkingSchema,
    hnsw: hnswSchema,
    documents: z.record(z.string().min(1), documentSchema),
    counts: z.strictObject({ documents: wholeCount, chunks: wholeCount, vectors: wholeCount, deletedVectors: wholeCount }),
    stories: z.array(z.array(z.string().min(1)).min(2)),
    files: z.record(z.string(), sha256Hex),
    builtAt: z.iso.datetime(),
    buildSeconds: z.number().nonnegative(),
  })
  .check((ctx) => {
    const documents = Object.values(ctx.value.documents);
    const chunks = documents.reduce((sum, d) => sum + d.chunks, 0);
    const { counts } = ctx.value;
    if (documents.length !== counts.documents) ctx.issues.push({ code: 'custom', input: counts, path: ['counts', 'documents'], message: 'disagrees with the documents listed' });
    if (chunks !== counts.chunks) ctx.issues.push({ code: 'custom', input: counts, path: ['counts', 'chunks'], message: "disagrees with the documents' passages" });
    if (counts.vectors > counts.chunks) ctx.issues.push({ code: 'custom', input: counts, path: ['counts', 'vectors'], message: 'exceeds the passages' });
    const inStory = new Set<string>();
    ctx.value.stories.forEach((story, i) => {
      for (const file of story) {
        const problem = !Object.hasOwn(ctx.value.documents, file) ? 'names an article not listed' : inStory.has(file) ? 'names an article twice' : null;
        if (problem) ctx.issues.push({ code: 'custom', input: story, path: ['stories', i], message: problem });
        inStory.add(file);
      }
    });
  });

/** The manifest as written to disk: the fields, then the sha256 of their JSON as the last field. */
export function serialiseManifest(manifest: Manifest): string {
  return JSON.stringify({ ...manifest, checksum: checksumOf(manifest) }, null, 2);
}

/** Checks the checksum, then every field; throws IndexUnusableError naming what is wrong in one sentence. */
export function parseManifest(json: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new IndexUnusableError(`The index manifest in ${where} is not valid JSON.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new IndexUnusableError(`The index manifest in ${where} is not a JSON object.`);
  }
  const { checksum, ...fields } = data as Record<string, unknown>;
  if (fields.version !== MANIFEST_VERSION) {
    throw new IndexUnusableError(`The index in ${where} has format version ${String(fields.version)}, expected ${MANIFEST_VERSION}.`);
  }
  // Key order is the order written, so the same fields serialise to the same bytes.
  if (checksum !== checksumOf(fields)) {
    throw new IndexUnusableError(`The index manifest in ${where} is damaged (its checksum does not match its contents).`);
  }
  const parsed = manifestSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || 'its top level';
    throw new IndexUnusableError(`The index manifest in ${where} is invalid (${field}: ${issue.message.replace(/\.$/, '')}).`);
  }
  return parsed.data;
}

function checksumOf(fields: unknown): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
