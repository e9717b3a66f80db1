import { readdirSync, readFileSync } from 'node:fs';

/** Polling interval; a child's peak reached in its last interval before exiting is missed (see below). */
const POLL_MS = 50;

/** Ids of this process's live child processes, from /proc (every thread's list: libuv may fork from any). */
function childPids(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync('/proc/self/task')) {
    const list = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
    if (list) pids.push(...list.split(/\s+/).map(Number));
  }
  return pids;
}

/** A process's peak resident set so far (VmHWM), in MiB, or null once it has exited. */
function peakRssMiB(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Runs `work` and reports the largest peak RSS any child process (the index build process) reached meanwhile.
 * Index builds run in a process of their own, whose memory this process's maxRSS never includes. VmHWM is the
 * kernel's high-water mark, so polling loses nothing but growth in the last poll interval before the child exits;
 * the build's largest structures are all alive before it starts writing, seconds before that. Null where there is
 * no /proc (not Linux) or no child ran long enough to be seen.
 */
export async function withChildPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; childPeakMiB: number | null }> {
  let peak: number | null = null;
  const poll = () => {
    try {
      for (const pid of childPids()) {
        const mib = peakRssMiB(pid);
        if (mib !== null && (peak === null || mib > peak)) peak = mib;
      }
    } catch {
      // No /proc: nothing to report.
    }
  };
  const timer = setInterval(poll, POLL_MS);
  try {
    const result = await work();
    return { result, childPeakMiB: peak };
  } finally {
    clearInterval(timer);
  }
}
