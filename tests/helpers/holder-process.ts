import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface Holder {
  child: ChildProcess;
  pid: number;
  /** kill -9: nothing of the process's own clean-up runs. */
  kill(): Promise<void>;
  /** A normal exit (process.exit), or with `crash` an uncaught exception; either runs its exit hooks. */
  exit(how?: 'normally' | 'crash'): Promise<void>;
}

/** Starts tests/helpers/index-dir-holder.ts and resolves once it holds the lock or lease. */
export async function startHolder(...args: string[]): Promise<Holder> {
  // stderr ignored: a crash on purpose prints its stack there.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/index-dir-holder.ts', ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'held') throw new Error(`index-dir-holder did not hold ${args.join(' ')} (said ${String(first.value)})`);
  return {
    child,
    pid: child.pid!,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async exit(how = 'normally') {
      child.stdin!.write(`${how}\n`);
      await exited;
    },
  };
}
