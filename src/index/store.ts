import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type { HierarchicalNSW } from 'hnswlib-node';
import type { StatsCounts } from '../search/corpus-stats.js';
import type { StoryPostingsChange } from '../search/story-postings.js';
import { GENERATION_DB, GenerationDatabase, writeGenerationDb, type PassageWrite } from './generation-db.js';
import { IndexUnusableError, parseManifest, serialiseManifest, type Manifest } from './manifest.js';
import { generationInUse, leaseState } from './generation-leases.js';
import { HOST_TAG, pidExists } from './process-identity.js';
import { sha256OfFile } from './sliced-io.js';
import { passageIds, type BuildBase, type IndexSnapshot, type Passages } from './snapshot.js';
import { timeStep, type StepTimings } from './step-timings.js';

/*
 * Layout: <dir>/CURRENT names the generation folder <dir>/gen-<id>/ that holds manifest.json, index.hnsw,
 * vectors.f32 and passages.db (passages, keyword index, corpus statistics: generation-db.ts). A new generation is written completely, then CURRENT is replaced
 * by an atomic rename: a crash at any point leaves the previous generation loadable.
 *
 * A generation's name ends with its writer: a tag of the host and the process id. A generation that is not
 * CURRENT and whose writer is no longer running was left by a crash (kill -9 mid-write) and is removed at the next
 * open; one whose writer still runs is another process's build in progress and is left alone. Names from another
 * host (a shared folder), or without a writer, are removed only when an hour old, as liveness cannot be checked.
 * A generation that another process still serves or loads (a lease, generation-leases.ts) is never removed.
 */
const POINTER = 'CURRENT';
const ABANDONED_AFTER_MS = 60 * 60 * 1000;
const WRITER = /-h([0-9a-f]{8})-p(\d+)(?:\.tmp)?$/;
const FILES = { hnsw: 'index.hnsw', vectors: 'vectors.f32', passages: GENERATION_DB } as const;

/**
 * What a build writes. `passages`: a full build creates the passage database (`base` null); a one-article change
 * copies the previous generation's file (`base`) and applies the change to the copy.
 */
export interface GenerationContent {
  vectors: Float32Array;
  hnsw: HierarchicalNSW;
  passages: { base: string | null; removed: readonly PassageWrite[]; added: Iterable<PassageWrite>; counts: StatsCounts; stories: StoryPostingsChange };
}

export function hasIndex(dir: string): boolean {
  return existsSync(path.join(dir, POINTER));
}

/** Writes a new generation, makes it CURRENT and opens it. */
export async function saveSnapshot(dir: string, content: GenerationContent, manifest: Omit<Manifest, 'files'>): Promise<IndexSnapshot> {
  return openWritten(await writeGeneration(dir, content, manifest), content);
}

/** A generation this process has just written (see writeGeneration). */
export interface WrittenGeneration {
  dir: string;
  genDir: string;
  manifest: Manifest;
}

/** The snapshot of a generation this process wrote: its files are the ones it wrote, so they are not checked again. */
export function openWritten(written: WrittenGeneration, content: GenerationContent): Promise<IndexSnapshot> {
  return openGeneration(written.genDir, written.manifest, content.vectors, content.hnsw, written.dir);
}

/**
 * Writes a new generation completely, then makes it CURRENT by an atomic rename, and removes the previous one if
 * no process uses it.
 */
export async function writeGeneration(dir: string, content: GenerationContent, manifest: Omit<Manifest, 'files'>, timings?: StepTimings): Promise<WrittenGeneration> {
  await mkdir(dir, { recursive: true });
  const generation = `gen-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}-h${HOST_TAG}-p${process.pid}`;
  const genDir = path.join(dir, generation);
  const pointerTmp = path.join(dir, `${POINTER}.${generation}.tmp`);
  await mkdir(genDir);

  let complete: Manifest;
  let previous: string | null;
  try {
    await timeStep(timings, 'HNSW write', () => content.hnsw.writeIndexSync(path.join(genDir, FILES.hnsw)));
    const vectorBytes = Buffer.from(content.vectors.buffer, content.vectors.byteOffset, content.vectors.byteLength);
    await timeStep(timings, 'vectors write', () => writeFile(path.join(genDir, FILES.vectors), vectorBytes));
    const { base, ...change } = content.passages;
    if (base) await timeStep(timings, 'passages.db copy', () => copyFile(base, path.join(genDir, FILES.passages)));
    await timeStep(timings, 'passages.db write', () => writeGenerationDb(path.join(genDir, FILES.passages), { create: base === null, ...change }));

    const files: Record<string, string> = {};
    for (const name of Object.values(FILES)) files[name] = await timeStep(timings, 'checksums', () => sha256OfFile(path.join(genDir, name)));
    complete = { ...manifest, files };
    await timeStep(timings, 'manifest write', () => writeFile(path.join(genDir, 'manifest.json'), serialiseManifest(complete)));

    previous = await readPointer(dir);
    await writeFile(pointerTmp, generation);
    await rename(pointerTmp, path.join(dir, POINTER));
  } catch (err) {
    // This process is alive, so the next open would take its leftovers for a build in progress: remove them now.
    await rm(genDir, { recursive: true, force: true });
    await rm(pointerTmp, { force: true });
    throw err;
  }
  if (previous && previous !== generation && !(await generationInUse(dir, previous))) {
    await rm(path.join(dir, previous), { recursive: true, force: true });
  }
  await removeAbandonedGenerations(dir);
  return { dir, genDir, manifest: complete };
}

/**
 * Loads the current generation (or `generation`, which the caller has leased) after checking every file against the
 * manifest. Throws IndexUnusableError.
 */
export async function loadSnapshot(
  dir: string,
  expected: { modelId: string; dimension: number },
  generation: string | null = null,
  timings?: StepTimings,
): Promise<IndexSnapshot> {
  const { genDir, manifest, vectors } = await readCheckedGeneration(dir, expected, generation, timings);
  const hnsw = new hnswlib.HierarchicalNSW('cosine', manifest.dimension);
  await timeStep(timings, 'read HNSW', () => hnsw.readIndex(path.join(genDir, FILES.hnsw)));
  const { vectors: live, deletedVectors } = manifest.counts;
  if (hnsw.getCurrentCount() !== live + deletedVectors) {
    throw new IndexUnusableError(`The vector index in ${dir} holds ${hnsw.getCurrentCount()} vectors, but its manifest says ${live + deletedVectors}.`);
  }
  hnsw.setEf(manifest.hnsw.efSearch);
  return openGeneration(genDir, manifest, vectors, hnsw, dir, timings);
}

/**
 * What a build needs of the current generation (or `generation`), with the same checks as loadSnapshot: not the
 * HNSW graph, which an update reads again from its file to change a copy, nor the corpus statistics, which an update
 * changes in the database by the changed articles' counts. At 30k passages on a busy machine that skips 0.1 and
 * 0.6 s of the build process's start-up.
 */
export async function loadBuildBase(
  dir: string,
  expected: { modelId: string; dimension: number },
  generation: string | null = null,
): Promise<BuildBase> {
  const { genDir, manifest, vectors } = await readCheckedGeneration(dir, expected, generation);
  return { manifest, vectors, ...(await openPassages(genDir, manifest, vectors, dir)) };
}

/** The manifest and vectors of a generation whose files all match the manifest's checksums. */
async function readCheckedGeneration(
  dir: string,
  expected: { modelId: string; dimension: number },
  generation: string | null,
  timings?: StepTimings,
): Promise<{ genDir: string; manifest: Manifest; vectors: Float32Array }> {
  const where = dir;
  await removeAbandonedGenerations(dir);
  if (!hasIndex(dir)) throw new IndexUnusableError(`There is no index in ${where}.`);
  generation ??= await readPointer(dir);
  const genDir = path.join(dir, generation ?? '');
  if (!generation || !existsSync(path.join(genDir, 'manifest.json'))) {
    throw new IndexUnusableError(`The index pointer in ${where} names no complete index.`);
  }
  const manifestText = await readFile(path.join(genDir, 'manifest.json'), 'utf8');
  const manifest = await timeStep(timings, 'parse manifest', () => parseManifest(manifestText, where));
  if (manifest.model !== expected.modelId) {
    throw new IndexUnusableError(`The index in ${where} was built with model ${manifest.model}, but the embedder is ${expected.modelId}.`);
  }
  if (manifest.dimension !== expected.dimension) {
    throw new IndexUnusableError(`The index in ${where} has dimension ${manifest.dimension}, but the embedder produces ${expected.dimension}.`);
  }

  for (const name of Object.values(FILES)) {
    let checksum: string;
    try {
      checksum = await timeStep(timings, `checksum ${name}`, () => sha256OfFile(path.join(genDir, name)));
    } catch {
      throw new IndexUnusableError(`The index file ${name} is missing from ${where}.`);
    }
    if (checksum !== manifest.files[name]) {
      throw new IndexUnusableError(`The index file ${name} in ${where} is corrupt (its checksum does not match the manifest).`);
    }
  }

  // Read again after its check: a file replaced in between is not this index's, and no writer touches a generation.
  const vectorBytes = await timeStep(timings, 'read vectors', () => readFile(path.join(genDir, FILES.vectors)));
  const vectors = new Float32Array(vectorBytes.buffer.slice(vectorBytes.byteOffset, vectorBytes.byteOffset + vectorBytes.byteLength));
  return { genDir, manifest, vectors };
}

/** The snapshot of a generation folder whose files are known good: its database opened, its lookups read. */
async function openGeneration(
  genDir: string,
  manifest: Manifest,
  vectors: Float32Array,
  hnsw: HierarchicalNSW,
  where: string,
  timings?: StepTimings,
): Promise<IndexSnapshot> {
  const { store, chunks } = await openPassages(genDir, manifest, vectors, where, timings);
  try {
    return { manifest, chunks, vectors, hnsw, store, stats: await timeStep(timings, 'read statistics', () => store.readStats(manifest.counts.documents)) };
  } catch (err) {
    throw unreadableDatabase(err, where);
  }
}

/** A known-good generation's passage database, opened, with each passage's article read and checked against the manifest. */
async function openPassages(genDir: string, manifest: Manifest, vectors: Float32Array, where: string, timings?: StepTimings) {
  const store = GenerationDatabase.open(path.join(genDir, FILES.passages), where);
  try {
    const length = vectors.length / manifest.dimension;
    const chunks = Number.isInteger(length) ? await timeStep(timings, 'read passage index', () => store.readPassageIndex(length)) : null;
    if (!chunks) throw new IndexUnusableError(`The index in ${where} disagrees with its manifest about the number of passages.`);
    if (!passagesMatchDocuments(chunks, manifest)) {
      throw new IndexUnusableError(`The passages of the index in ${where} disagree with the articles its manifest lists.`);
    }
    return { store, chunks };
  } catch (err) {
    throw unreadableDatabase(err, where);
  }
}

/** A file that passed its checksum but that SQLite cannot query was not written by this version. */
function unreadableDatabase(err: unknown, where: string): IndexUnusableError {
  if (err instanceof IndexUnusableError) return err;
  return new IndexUnusableError(`The passage database of the index in ${where} cannot be read (${(err as Error).message}).`);
}

/** The generation `CURRENT` names, or null. */
export async function readPointer(dir: string): Promise<string | null> {
  try {
    const generation = (await readFile(path.join(dir, POINTER), 'utf8')).trim();
    return /^gen-[\w-]+$/.test(generation) ? generation : null;
  } catch {
    return null;
  }
}

/** Every passage belongs to a listed article, and each article has as many passages as the manifest says. */
function passagesMatchDocuments(chunks: Passages, manifest: Manifest): boolean {
  let listed = 0;
  for (const [file, d] of Object.entries(manifest.documents)) {
    if (chunks.positionsOf(file).length !== d.chunks) return false;
    listed += d.chunks;
  }
  let stored = 0;
  for (const _ of passageIds(chunks)) stored++;
  return stored === listed;
}

/** Removes generations (and pointer temp files) that are not CURRENT, that no running writer owns and none serves. */
export async function removeAbandonedGenerations(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!(entry.startsWith('gen-') || (entry.startsWith(`${POINTER}.`) && entry.endsWith('.tmp')))) continue;
    // Read again for every entry: another process may have just made its new generation current.
    if (entry === (await readPointer(dir))) continue;
    const leases = await leaseState(dir, entry);
    // Leased only by processes that are gone: it was served, so it is complete, not a build in progress.
    if (leases === 'held' || (leases === 'none' && !(await isAbandoned(path.join(dir, entry))))) continue;
    await rm(path.join(dir, entry), { recursive: true, force: true }).catch(() => {});
  }
}

async function isAbandoned(entryPath: string): Promise<boolean> {
  const writer = WRITER.exec(path.basename(entryPath));
  if (writer && writer[1] === HOST_TAG) return !pidExists(Number(writer[2]));
  const info = await stat(entryPath).catch(() => null);
  return info !== null && info.mtimeMs < Date.now() - ABANDONED_AFTER_MS;
}
