import { unlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HOST_TAG, liveness, thisProcess, type ProcessIdentity } from './process-identity.js';

/*
 * A lease says "this process serves (or is loading, or builds from) generation G": `<dir>/leases/<G>.h<host>-p<pid>`,
 * holding the process's identity. A generation that is no longer CURRENT is deleted only when no live process holds
 * a lease on it, so a shard still loading or serving the previous generation never has it removed underneath it
 * (a later store may keep files open or read them lazily). Leases of processes that are gone are ignored and
 * removed; a lease from another host (a shared folder) cannot be checked and is always honoured.
 *
 * Deleting safely needs an order on both sides: a reader creates its lease and only then checks that G is still
 * CURRENT (else it drops the lease and reads the pointer again); a deleter checks that G is not CURRENT and only
 * then looks for leases. Whichever comes second sees the other.
 */
const LEASES = 'leases';

export interface Lease {
  readonly generation: string;
  release(): Promise<void>;
}

/** Lease files this process holds (a count each: one generation may be leased twice, e.g. served and re-read). */
const held = new Map<string, number>();
let exitHookInstalled = false;

export async function holdLease(dir: string, generation: string): Promise<Lease> {
  const file = path.join(dir, LEASES, `${generation}.h${HOST_TAG}-p${process.pid}`);
  if (!held.has(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(thisProcess()));
  }
  held.set(file, (held.get(file) ?? 0) + 1);
  installExitHook();
  let released = false;
  return {
    generation,
    async release() {
      if (released) return;
      released = true;
      const count = (held.get(file) ?? 1) - 1;
      if (count > 0) return void held.set(file, count);
      held.delete(file);
      await unlink(file).catch(() => {});
    },
  };
}

/** Whether a live process (or one on another host) holds a lease on `generation`. Removes leases of dead ones. */
export async function generationInUse(dir: string, generation: string): Promise<boolean> {
  return (await leaseState(dir, generation)) === 'held';
}

/**
 * `held`: a live process (or one on another host) leases `generation`; `abandoned`: only processes that are gone
 * did (their leases are removed now), so it was complete and served once; `none`: no lease names it.
 */
export async function leaseState(dir: string, generation: string): Promise<'held' | 'abandoned' | 'none'> {
  const folder = path.join(dir, LEASES);
  const names = await readdir(folder).catch(() => [] as string[]);
  let state: 'held' | 'abandoned' | 'none' = 'none';
  for (const name of names) {
    if (!name.startsWith(`${generation}.h`)) continue;
    const holder = await readHolder(path.join(folder, name));
    if (holder === null) continue; // released meanwhile
    if (liveness(holder) !== 'gone') state = 'held';
    else {
      await unlink(path.join(folder, name)).catch(() => {});
      if (state === 'none') state = 'abandoned';
    }
  }
  return state;
}

async function readHolder(file: string): Promise<ProcessIdentity | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') {
      return { pid: value.pid, host: value.host, started: typeof value.started === 'number' ? value.started : null };
    }
  } catch {
    // Being written right now, or cut short by a crash: judge by the name instead.
  }
  const pid = /-p(\d+)$/.exec(file)?.[1];
  return { pid: Number(pid ?? 0), host: file.includes(`.h${HOST_TAG}-p`) ? thisProcess().host : '?', started: null };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous, as `exit` requires. A process killed by a signal leaves its leases: they name a pid that is gone.
  process.on('exit', () => {
    for (const file of held.keys()) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    }
  });
}
