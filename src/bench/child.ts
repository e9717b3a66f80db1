import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type ChildReply<T> = { ok: true; figures: T } | { ok: false; error: string };

/** A bench child that ran out of its time budget and was killed. */
export class ChildTimeoutError extends Error {
  override name = 'ChildTimeoutError';
}

export interface ChildOptions {
  /** Node flags, e.g. --cpu-prof for profiling a measurement exactly as the bench runs it. */
  execArgv?: string[];
  /** Killed after this long; an index build process it started exits when its IPC channel to it closes. */
  timeoutMs?: number;
}

const budgetText = (ms: number) => (ms >= 60_000 ? `${(ms / 60_000).toFixed(0)} min` : `${(ms / 1000).toFixed(1)} s`);

/**
 * Runs a bench entry module in a fresh Node process with the tsx loader and resolves with the figures it sends
 * back. The child's stdout goes to our stderr: stdout carries only the report.
 */
export function runChild<T>(entry: URL, args: string[], { execArgv = [], timeoutMs }: ChildOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(entry), args, {
      execArgv: ['--import', import.meta.resolve('tsx'), ...execArgv],
      stdio: ['ignore', 2, 'inherit', 'ipc'],
    });
    let reply: ChildReply<T> | null = null;
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs);
    child.on('message', (message) => (reply = message as ChildReply<T>));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const r = reply as ChildReply<T> | null;
      if (r?.ok) resolve(r.figures);
      else if (timedOut) reject(new ChildTimeoutError(`ran out of its time budget (${budgetText(timeoutMs ?? 0)}) and was stopped`));
      else reject(new Error(r ? r.error : `${entry.pathname} exited with ${signal ?? code} before reporting`));
    });
  });
}
