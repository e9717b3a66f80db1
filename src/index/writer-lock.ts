import { randomBytes } from 'node:crypto';
import { unlinkSync, readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HOST, liveness, thisProcess, type ProcessIdentity } from './process-identity.js';

/*
 * One writer per index folder, across processes: the bot's shards, other bot processes and `npm run index`.
 * `<dir>/writer.lock` is created with O_EXCL (only one creator can succeed) and holds its writer's pid, host and
 * process start time. A lock whose process is gone (kill -9, a crash, a power cut) is taken over; a live one makes
 * the second writer fail at once with WriterLockBusyError rather than queue behind a build it did not ask for.
 */
const LOCK = 'writer.lock';
/**
 * A lock file that cannot be read yet is being written by its creator (O_EXCL create, then write); past this age
 * it is what a crash between the two left.
 */
const UNREADABLE_STALE_AFTER_MS = 10_000;
const WAIT_POLL_MS = 250;

interface LockRecord extends ProcessIdentity {
  since: string;
}

/** Another live process holds the index folder's writer lock. The message is the one sentence users see. */
export class WriterLockBusyError extends Error {
  override name = 'WriterLockBusyError';
  /** `holder` is null while the holder is still writing its lock file. */
  constructor(readonly holder: ProcessIdentity | null) {
    const where = holder && holder.host !== HOST ? ` on ${holder.host}` : '';
    super(holder ? `Another process (pid ${holder.pid}${where}) is rebuilding this index.` : 'Another process is rebuilding this index.');
  }
}

export interface WriterLock {
  release(): Promise<void>;
}

/** Locks held by this process, released synchronously if it exits while holding them. */
const held = new Map<string, string>();
let exitHookInstalled = false;

/** Takes the writer lock of `dir` or throws WriterLockBusyError naming the live holder. */
export async function acquireWriterLock(dir: string): Promise<WriterLock> {
  await mkdir(dir, { recursive: true });
  const lockPath = path.join(dir, LOCK);
  const mine = JSON.stringify({ ...thisProcess(), since: new Date().toISOString() } satisfies LockRecord);
  // Each round either creates the lock, finds a live holder, or removes a dead one; a few rounds settle any race.
  for (let round = 0; round < 5; round++) {
    if (await createExclusive(lockPath, mine)) return hold(lockPath, mine);
    const found = await readLock(lockPath);
    if (found === 'vanished') continue;
    if (found === 'being-written') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    if (liveness(found.record) !== 'gone') throw new WriterLockBusyError(found.record);
    await removeStale(lockPath, found.text);
  }
  const found = await readLock(lockPath);
  throw new WriterLockBusyError(typeof found === 'object' ? found.record : null);
}

/** Runs `work` holding the writer lock of `dir`, released afterwards whether it succeeds or throws. */
export async function withWriterLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = await acquireWriterLock(dir);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** Resolves once no live process holds the writer lock of `dir` (another process's build has ended). */
export async function waitForWriter(dir: string): Promise<void> {
  const lockPath = path.join(dir, LOCK);
  for (;;) {
    const found = await readLock(lockPath);
    if (found === 'vanished' || (typeof found === 'object' && liveness(found.record) === 'gone')) return;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

async function createExclusive(lockPath: string, text: string): Promise<boolean> {
  try {
    await writeFile(lockPath, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

type Found = 'vanished' | 'being-written' | { record: LockRecord; text: string };

async function readLock(lockPath: string): Promise<Found> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch {
    return 'vanished';
  }
  const record = parseRecord(text);
  if (record) return { record, text };
  const info = await stat(lockPath).catch(() => null);
  if (!info) return 'vanished';
  // Left half-written by a crash: as dead as a holder that is gone.
  if (Date.now() - info.mtimeMs > UNREADABLE_STALE_AFTER_MS) return { record: { pid: 0, host: HOST, started: null, since: '' }, text };
  return 'being-written';
}

function parseRecord(text: string): LockRecord | null {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, started: typeof value.started === 'number' ? value.started : null, since: String(value.since ?? '') };
  } catch {
    return null;
  }
}

/**
 * Removes a dead holder's lock. Two processes may find the same stale lock at once: each renames it to a name of its
 * own (a rename succeeds for one of them only) and checks that what it moved is the stale lock it judged. If another
 * process had already replaced it with a live lock, that lock is linked back in place.
 */
async function removeStale(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // already moved by another process
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, lockPath).catch(() => {});
  await unlink(aside).catch(() => {});
}

function hold(lockPath: string, text: string): WriterLock {
  held.set(lockPath, text);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // `exit` listeners must be synchronous. A signal that kills the process skips this: its lock is then stale
    // (its pid is gone) and the next writer takes it over.
    process.on('exit', () => {
      for (const [file, ownText] of held) releaseSync(file, ownText);
    });
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      held.delete(lockPath);
      // Only our own lock: never one that replaced ours.
      if ((await readFile(lockPath, 'utf8').catch(() => null)) === text) await unlink(lockPath).catch(() => {});
    },
  };
}

function releaseSync(lockPath: string, text: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === text) unlinkSync(lockPath);
  } catch {
    // Already gone.
  }
}
