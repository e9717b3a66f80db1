import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireWriterLock, withWriterLock, WriterLockBusyError } from '../src/index/writer-lock.js';
import { startHolder, type Holder } from './helpers/holder-process.js';
import { tempCorpus } from './helpers/seed-runtime.js';

const holders: Holder[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(holders.splice(0).map((h) => h.kill()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'writer-lock-'));
  dirs.push(dir);
  return dir;
}

const lockFile = (dir: string) => path.join(dir, 'writer.lock');

describe('the index writer lock', () => {
  it('refuses a second writer while another process holds it, naming its pid; takes it over after kill -9', { timeout: 30_000 }, async () => {
    const dir = await tempDir();
    const holder = await startHolder('lock', dir);
    holders.push(holder);
    expect(JSON.parse(await readFile(lockFile(dir), 'utf8'))).toMatchObject({ pid: holder.pid, host: hostname() });

    const refused = await acquireWriterLock(dir).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WriterLockBusyError);
    expect((refused as Error).message).toBe(`Another process (pid ${holder.pid}) is rebuilding this index.`);

    await holder.kill();
    // The dead holder's lock is still there, naming a pid that is gone: the next writer takes it over.
    expect(JSON.parse(await readFile(lockFile(dir), 'utf8')).pid).toBe(holder.pid);
    const lock = await acquireWriterLock(dir);
    expect(JSON.parse(await readFile(lockFile(dir), 'utf8')).pid).toBe(process.pid);
    await lock.release();
    await expect(readFile(lockFile(dir))).rejects.toThrow(/ENOENT/);
  });

  it('is released when its holder exits normally or crashes with an uncaught exception', { timeout: 30_000 }, async () => {
    for (const how of ['normally', 'crash'] as const) {
      const dir = await tempDir();
      const holder = await startHolder('lock', dir);
      holders.push(holder);
      await holder.exit(how);
      expect(holder.child.exitCode, how).toBe(how === 'crash' ? 1 : 0);
      await expect(readFile(lockFile(dir)), how).rejects.toThrow(/ENOENT/);
    }
  });

  it('is released when the work under it throws, and one process cannot take it twice', async () => {
    const dir = await tempDir();
    await expect(withWriterLock(dir, () => withWriterLock(dir, async () => 'nested'))).rejects.toThrow(
      `Another process (pid ${process.pid}) is rebuilding this index.`,
    );
    await expect(withWriterLock(dir, async () => Promise.reject(new Error('build failed')))).rejects.toThrow('build failed');
    await expect(withWriterLock(dir, async () => 'done')).resolves.toBe('done');
  });

  it('takes over a lock whose pid now belongs to another process (start time differs) or that was cut short', async () => {
    const dir = await tempDir();
    // Our own pid, but a start time it never had: a reused pid.
    await writeFile(lockFile(dir), JSON.stringify({ pid: process.pid, host: hostname(), started: 1, since: '' }));
    await (await acquireWriterLock(dir)).release();
    // An empty lock left by a crash between create and write, older than a writer needs to fill it.
    await writeFile(lockFile(dir), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile(dir), old, old);
    await (await acquireWriterLock(dir)).release();
  });

  it('never takes over a lock from another host (its process cannot be checked) and says which host', async () => {
    const dir = await tempDir();
    await writeFile(lockFile(dir), JSON.stringify({ pid: 4242, host: 'other-machine', started: null, since: '' }));
    await expect(acquireWriterLock(dir)).rejects.toThrow('Another process (pid 4242 on other-machine) is rebuilding this index.');
  });

  it('of three processes finding the same stale lock, exactly one gets it', { timeout: 30_000 }, async () => {
    const dir = await tempDir();
    const holder = await startHolder('lock', dir);
    await holder.kill();
    // Each says what it got, then keeps it until told to exit: a winner that left early would free the lock.
    const script = `
      import { acquireWriterLock } from './src/index/writer-lock.ts';
      try { await acquireWriterLock(process.argv[1]); console.log('got'); }
      catch (err) { console.log(err.name); }
      process.stdin.once('data', () => process.exit(0));`;
    const contenders = [0, 1, 2].map(() =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const outcomes = await Promise.all(
      contenders.map(async (child) => String((await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value)),
    );
    for (const child of contenders) child.stdin.end('\n');
    expect(outcomes.filter((o) => o === 'got')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'WriterLockBusyError')).toHaveLength(2);
  });
});

describe('npm run index while another process rebuilds', () => {
  it('exits non-zero with the one sentence, and builds once the lock is free', { timeout: 120_000 }, async () => {
    const { root, corpusDir, indexDir } = await tempCorpus('lock-cli-');
    dirs.push(root);
    const holder = await startHolder('lock', indexDir);
    holders.push(holder);
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index-cmd.ts', '--index', indexDir, '--corpus', corpusDir], {
        encoding: 'utf8',
        env: { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d' },
        timeout: 110_000,
      });
    const refused = run();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`error: Another process (pid ${holder.pid}) is rebuilding this index.\n`);
    await expect(readFile(path.join(indexDir, 'CURRENT'))).rejects.toThrow(/ENOENT/);

    await holder.kill();
    const built = run();
    expect(built.stderr).not.toContain('error:');
    expect(built.status).toBe(0);
    expect((await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim()).toMatch(/^gen-/);
  });
});
