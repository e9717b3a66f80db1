import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Chunk } from '../chunk/chunker.js';
import { loadKeywordIndex } from '../search/keyword-index.js';
import { IndexUnusableError, parseManifest, type Manifest } from './manifest.js';
import type { IndexSnapshot } from './snapshot.js';

/*
 * Layout: <dir>/CURRENT names the generation folder <dir>/gen-<id>/ that holds manifest.json, index.hnsw,
 * vectors.f32, chunks.json and keywords.json. A new generation is written completely, then CURRENT is replaced
 * by an atomic rename: a crash at any point leaves the previous generation loadable.
 */
const POINTER = 'CURRENT';
const ABANDONED_AFTER_MS = 60 * 60 * 1000;
const FILES = { hnsw: 'index.hnsw', vectors: 'vectors.f32', chunks: 'chunks.json', keywords: 'keywords.json' } as const;

export function hasIndex(dir: string): boolean {
  return existsSync(path.join(dir, POINTER));
}

export async function saveSnapshot(dir: string, snapshot: Omit<IndexSnapshot, 'manifest'>, manifest: Omit<Manifest, 'files'>): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  const generation = `gen-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const genDir = path.join(dir, generation);
  await mkdir(genDir);

  snapshot.hnsw.writeIndexSync(path.join(genDir, FILES.hnsw));
  const vectorBytes = Buffer.from(snapshot.vectors.buffer, snapshot.vectors.byteOffset, snapshot.vectors.byteLength);
  await writeFile(path.join(genDir, FILES.vectors), vectorBytes);
  await writeFile(path.join(genDir, FILES.chunks), JSON.stringify(snapshot.chunks));
  await writeFile(path.join(genDir, FILES.keywords), JSON.stringify(snapshot.keywords));

  const files: Record<string, string> = {};
  for (const name of Object.values(FILES)) files[name] = sha256(await readFile(path.join(genDir, name)));
  const complete: Manifest = { ...manifest, files };
  await writeFile(path.join(genDir, 'manifest.json'), JSON.stringify(complete, null, 2));

  const previous = await readPointer(dir);
  const pointerTmp = path.join(dir, `${POINTER}.${generation}.tmp`);
  await writeFile(pointerTmp, generation);
  await rename(pointerTmp, path.join(dir, POINTER));
  if (previous && previous !== generation) await rm(path.join(dir, previous), { recursive: true, force: true });
  await removeAbandonedGenerations(dir, generation);
  return complete;
}

/** Loads the current generation after checking every file against the manifest. Throws IndexUnusableError. */
export async function loadSnapshot(dir: string, expected: { modelId: string; dimension: number }): Promise<IndexSnapshot> {
  const where = dir;
  if (!hasIndex(dir)) throw new IndexUnusableError(`There is no index in ${where}.`);
  const generation = await readPointer(dir);
  const genDir = path.join(dir, generation ?? '');
  if (!generation || !existsSync(path.join(genDir, 'manifest.json'))) {
    throw new IndexUnusableError(`The index pointer in ${where} names no complete index.`);
  }
  const manifest = parseManifest(await readFile(path.join(genDir, 'manifest.json'), 'utf8'), where);
  if (manifest.model !== expected.modelId) {
    throw new IndexUnusableError(`The index in ${where} was built with model ${manifest.model}, but the embedder is ${expected.modelId}.`);
  }
  if (manifest.dimension !== expected.dimension) {
    throw new IndexUnusableError(`The index in ${where} has dimension ${manifest.dimension}, but the embedder produces ${expected.dimension}.`);
  }

  const contents: Record<string, Buffer> = {};
  for (const name of Object.values(FILES)) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(genDir, name));
    } catch {
      throw new IndexUnusableError(`The index file ${name} is missing from ${where}.`);
    }
    if (sha256(bytes) !== manifest.files[name]) {
      throw new IndexUnusableError(`The index file ${name} in ${where} is corrupt (its checksum does not match the manifest).`);
    }
    contents[name] = bytes;
  }

  const chunks = JSON.parse(contents[FILES.chunks].toString('utf8')) as Chunk[];
  const vectorBytes = contents[FILES.vectors];
  const vectors = new Float32Array(vectorBytes.buffer.slice(vectorBytes.byteOffset, vectorBytes.byteOffset + vectorBytes.byteLength));
  if (chunks.length !== manifest.counts.chunks || vectors.length !== manifest.counts.chunks * manifest.dimension) {
    throw new IndexUnusableError(`The index in ${where} disagrees with its manifest about the number of passages.`);
  }
  const hnsw = new hnswlib.HierarchicalNSW('cosine', manifest.dimension);
  hnsw.readIndexSync(path.join(genDir, FILES.hnsw));
  if (hnsw.getCurrentCount() !== manifest.counts.vectors) {
    throw new IndexUnusableError(`The vector index in ${where} holds ${hnsw.getCurrentCount()} vectors, but its manifest says ${manifest.counts.vectors}.`);
  }
  hnsw.setEf(manifest.hnsw.efSearch);
  const keywords = loadKeywordIndex(contents[FILES.keywords].toString('utf8'));
  return { manifest, chunks, vectors, hnsw, keywords };
}

async function readPointer(dir: string): Promise<string | null> {
  try {
    const generation = (await readFile(path.join(dir, POINTER), 'utf8')).trim();
    return /^gen-[\w-]+$/.test(generation) ? generation : null;
  } catch {
    return null;
  }
}

/** Leftovers of crashed builds. Only old ones: a young one may be another process's build in progress. */
async function removeAbandonedGenerations(dir: string, keep: string): Promise<void> {
  const cutoff = Date.now() - ABANDONED_AFTER_MS;
  for (const entry of await readdir(dir)) {
    if (entry === keep || !(entry.startsWith('gen-') || entry.endsWith('.tmp'))) continue;
    const info = await stat(path.join(dir, entry)).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
