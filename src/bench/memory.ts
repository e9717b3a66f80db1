import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { GENERATION_DB, GenerationDatabase } from '../index/generation-db.js';

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
  /** Growth of the V8 heap and of V8's external memory while the structure is held. */
  heapMiB: number;
  externalMiB: number;
  /** hnswlib's graph lives outside V8: the growth of a fresh process's resident set when it loads the file. */
  nativeMiB: number | null;
  loadMs: number;
}

/**
 * RSS growth of a fresh Node process loading an hnswlib index: its memory is native, invisible to V8's counters,
 * and in a process that has loaded and freed other structures the allocator reuses freed pages, hiding it.
 */
function hnswResidentMiB(file: string, dimension: number): number {
  const script = `
    const { default: hnswlib } = await import(${JSON.stringify(import.meta.resolve('hnswlib-node'))});
    const index = new hnswlib.HierarchicalNSW('cosine', ${dimension});
    const before = process.memoryUsage().rss;
    await index.readIndex(${JSON.stringify(file)});
    process.stdout.write(String((process.memoryUsage().rss - before) / 2 ** 20));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

/**
 * What each structure of a loaded index costs in memory, measured one at a time: loaded from its file with the
 * functions the index store uses, measured while held, then dropped. Answers "what dominates the serving RSS":
 * what the passage database keeps in memory, the vectors, or hnswlib's native graph (measured in a fresh process).
 */
export async function structureFootprints(indexDir: string, dimension: number): Promise<StructureFootprint[]> {
  const dir = currentGenerationDir(indexDir);
  const loaders: Array<{ structure: string; file: string; load: (file: string) => Promise<unknown>; native?: (file: string) => number }> = [
    {
      structure: 'passage database (each passage\'s article, corpus statistics)',
      file: GENERATION_DB,
      load: async (f) => {
        const store = GenerationDatabase.open(f, dir);
        const ids = (await stat(path.join(dir, 'vectors.f32'))).size / (4 * dimension);
        return [store, await store.readPassageIndex(ids), await store.readStats(0)];
      },
    },
    { structure: 'vectors (Float32Array)', file: 'vectors.f32', load: async (f) => new Float32Array(new Uint8Array(await readFile(f)).buffer) },
    {
      structure: 'HNSW graph (hnswlib, native)',
      file: 'index.hnsw',
      load: async (f) => {
        const index = new hnswlib.HierarchicalNSW('cosine', dimension);
        await index.readIndex(f);
        return index;
      },
      native: (f) => hnswResidentMiB(f, dimension),
    },
  ];
  const footprints: StructureFootprint[] = [];
  // The structure being measured lives here, not in a local, so it stays reachable until it has been measured.
  const held: unknown[] = [];
  for (const { structure, file, load, native } of loaders) {
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
      nativeMiB: native ? native(path.join(dir, file)) : null,
      loadMs,
    });
    held.pop();
  }
  return footprints;
}
