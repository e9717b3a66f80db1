import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, as recorded in the index folder's lock and lease files, and whether it still runs. A pid alone
 * is not enough: pids are reused, so a file also records when its process started (Linux /proc), and a pid from
 * another host (a shared folder) says nothing about this one.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (/proc/PID/stat field 22), or null where /proc is absent. */
  started: number | null;
}

export const HOST = hostname();
/** Short tag of this host for file names (a hostname may hold characters a file name should not). */
export const HOST_TAG = createHash('sha256').update(HOST).digest('hex').slice(0, 8);

export function thisProcess(): ProcessIdentity {
  return { pid: process.pid, host: HOST, started: processStartTicks(process.pid) };
}

/** Whether `who` still runs: on this host, its pid exists and started when recorded. Another host's: unknown. */
export function liveness(who: ProcessIdentity): 'running' | 'gone' | 'unknown' {
  if (who.host !== HOST) return 'unknown';
  // pid 0 would ask about our own process group: it stands for a record that names no process.
  if (!(who.pid > 0) || !pidExists(who.pid)) return 'gone';
  if (who.started === null) return 'running';
  const started = processStartTicks(who.pid);
  // A different start time: the pid now belongs to another process.
  return started === null || started === who.started ? 'running' : 'gone';
}

export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) may hold spaces and parentheses: count fields from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}
