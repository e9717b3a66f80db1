import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { parseArrayByLine } from '../index/sliced-io.js';
import { loadKeywordIndex } from '../search/keyword-index.js';

const MiB = 2 ** 20;

export interface MemoryFigures {
  rssMiB: number;
  heapUsedMiB: number;
  /** Memory V8 tracks outside its heap: Buffers and typed arrays (vectors.f32), not hnswlib's native graph. */
  externalMiB: number;
}

/** Memory in use now, after a full garbage collection when the process runs with --expose-gc. */
export function memoryNow(): MemoryFigures {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rssMiB: m.rss / MiB, heapUsedMiB: m.heapUsed / MiB, externalMiB: m.external / MiB };
}

/** The folder of the generation `<indexDir>/CURRENT` names (store.ts' layout). */
export function currentGenerationDir(indexDir: string): string {
  return path.join(indexDir, readFileSync(path.join(indexDir, 'CURRENT'), 'utf8').trim());
}

/** Size on disk of each file of the current generation, in MiB. */
export async function indexFilesMiB(indexDir: string): Promise<Record<string, number>> {
  const dir = currentGenerationDir(indexDir);
  const sizes: Record<string, number> = {};
  for (const name of (await readdir(dir)).sort()) sizes[name] = (await stat(path.join(dir, name))).size / MiB;
  return sizes;
}

export interface StructureFootprint {
  structure: string;
  file: string;
  fileMiB: number;
  /** Growth of the V8 heap, of V8's external memory and of the resident set while the structure is held. */
  heapMiB: number;
  externalMiB: number;
  rssMiB: number;
  loadMs: number;
}

/**
 * What each structure of a loaded index costs in memory, measured one at a time: loaded from its file with the
 * functions the index store uses, measured while held, then dropped. Answers "what dominates the serving RSS":
 * passages as JS objects, the MiniSearch maps, the vectors, or hnswlib's native graph (visible only in RSS).
 */
export async function structureFootprints(indexDir: string, dimension: number): Promise<StructureFootprint[]> {
  const dir = currentGenerationDir(indexDir);
  const loaders: Array<{ structure: string; file: string; load: (file: string) => Promise<unknown> }> = [
    { structure: 'passages (chunks.json as JS objects)', file: 'chunks.json', load: async (f) => parseArrayByLine(await readFile(f)) },
    { structure: 'keyword index (MiniSearch)', file: 'keywords.json', load: async (f) => loadKeywordIndex(await readFile(f)) },
    { structure: 'vectors (Float32Array)', file: 'vectors.f32', load: async (f) => new Float32Array(new Uint8Array(await readFile(f)).buffer) },
    {
      structure: 'HNSW graph (hnswlib, native)',
      file: 'index.hnsw',
      load: async (f) => {
        const index = new hnswlib.HierarchicalNSW('cosine', dimension);
        await index.readIndex(f);
        return index;
      },
    },
  ];
  const footprints: StructureFootprint[] = [];
  // The structure being measured lives here, not in a local, so it stays reachable until it has been measured.
  const held: unknown[] = [];
  for (const { structure, file, load } of loaders) {
    const before = memoryNow();
    const started = performance.now();
    held.push(await load(path.join(dir, file)));
    const loadMs = performance.now() - started;
    const after = memoryNow();
    footprints.push({
      structure,
      file,
      fileMiB: (await stat(path.join(dir, file))).size / MiB,
      heapMiB: after.heapUsedMiB - before.heapUsedMiB,
      externalMiB: after.externalMiB - before.externalMiB,
      rssMiB: after.rssMiB - before.rssMiB,
      loadMs,
    });
    held.pop();
  }
  return footprints;
}
