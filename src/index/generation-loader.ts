import { rm } from 'node:fs/promises';
import path from 'node:path';
import { generationInUse, holdLease, type Lease } from './generation-leases.js';
import { IndexUnusableError } from './manifest.js';
import type { IndexSnapshot } from './snapshot.js';
import { loadSnapshot, readPointer } from './store.js';

/** A loaded generation and the lease that keeps its folder on disk while this process uses it. */
export interface LeasedSnapshot<Loaded = IndexSnapshot> {
  snapshot: Loaded;
  lease: Lease;
}

/** Reads a generation the caller has leased (loadSnapshot, or loadBuildBase for a build). */
export type GenerationReader<Loaded> = (dir: string, expected: { modelId: string; dimension: number }, generation: string) => Promise<Loaded>;

/** Rounds of "lease, then check it is still CURRENT" before loading what was leased last anyway. */
const LEASE_ROUNDS = 5;

/**
 * Leases the generation `CURRENT` names, checks that it still is CURRENT (see generation-leases.ts for why this
 * order), and loads it. Throws IndexUnusableError like loadSnapshot; the lease is dropped when loading fails.
 */
export async function loadCurrentGeneration<Loaded = IndexSnapshot>(
  dir: string,
  expected: { modelId: string; dimension: number },
  read: GenerationReader<Loaded> = loadSnapshot as GenerationReader<Loaded>,
): Promise<LeasedSnapshot<Loaded>> {
  let lease: Lease | null = null;
  for (let round = 0; round < LEASE_ROUNDS; round++) {
    const generation = await readPointer(dir);
    if (!generation) {
      // No usable pointer: loadSnapshot throws, saying what is wrong in its own words (unless one appeared since).
      await loadSnapshot(dir, expected);
      continue;
    }
    await lease?.release();
    lease = await holdLease(dir, generation);
    if ((await readPointer(dir)) === generation) break;
  }
  if (!lease) throw new IndexUnusableError(`The index pointer in ${dir} kept changing while it was read.`);
  try {
    return { snapshot: await read(dir, expected, lease.generation), lease };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

/** Gives up a lease and deletes its generation if it is no longer CURRENT and no other live process uses it. */
export async function releaseGeneration(dir: string, lease: Lease): Promise<void> {
  await lease.release();
  const { generation } = lease;
  if ((await readPointer(dir)) === generation || (await generationInUse(dir, generation))) return;
  await rm(path.join(dir, generation), { recursive: true, force: true }).catch(() => {});
}
