import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type ChildReply<T> = { ok: true; figures: T } | { ok: false; error: string };

/**
 * Runs a bench entry module in a fresh Node process with the tsx loader and resolves with the figures it sends
 * back. The child's stdout goes to our stderr: stdout carries only the report. `execArgv` adds Node flags, e.g.
 * --cpu-prof for profiling a measurement exactly as the bench runs it.
 */
export function runChild<T>(entry: URL, args: string[], execArgv: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(entry), args, {
      execArgv: ['--import', import.meta.resolve('tsx'), ...execArgv],
      stdio: ['ignore', 2, 'inherit', 'ipc'],
    });
    let reply: ChildReply<T> | null = null;
    child.on('message', (message) => (reply = message as ChildReply<T>));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const r = reply as ChildReply<T> | null;
      if (r?.ok) resolve(r.figures);
      else reject(new Error(r ? r.error : `${entry.pathname} exited with ${signal ?? code} before reporting`));
    });
  });
}
