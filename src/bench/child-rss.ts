import { readdirSync, readFileSync } from 'node:fs';

/** Polling interval; a child's peak reached in its last interval before exiting is missed (see below). */
const POLL_MS = 50;

/** Ids of this process's live child processes, from /proc (every thread's list: libuv may fork from any). */
export function childPids(): number[] {
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

/** CPU time (user + system) a process has used so far, in seconds, or null once it has exited. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14, 15,
    // in USER_HZ ticks (100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Runs `work` and reports the largest peak RSS any child process (the index build process) reached meanwhile, and
 * the CPU time the children used (as last polled: up to one interval of it is missed).
 * Index builds run in a process of their own, whose memory this process's maxRSS never includes. VmHWM is the
 * kernel's high-water mark, so polling loses nothing but growth in the last poll interval before the child exits;
 * the build's largest structures are all alive before it starts writing, seconds before that. Null where there is
 * no /proc (not Linux) or no child ran long enough to be seen.
 */
export async function withChildPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; childPeakMiB: number | null; childCpuSeconds: number | null }> {
  let peak: number | null = null;
  // The last CPU time seen of each child: the build process runs at a lower priority, so on a busy machine its
  // wall time says more about the other processes than about the build; its CPU time does not.
  const cpu = new Map<number, number>();
  const poll = () => {
    try {
      for (const pid of childPids()) {
        const mib = peakRssMiB(pid);
        if (mib !== null && (peak === null || mib > peak)) peak = mib;
        const seconds = cpuSeconds(pid);
        if (seconds !== null) cpu.set(pid, seconds);
      }
    } catch {
      // No /proc: nothing to report.
    }
  };
  const timer = setInterval(poll, POLL_MS);
  try {
    const result = await work();
    return { result, childPeakMiB: peak, childCpuSeconds: cpu.size ? [...cpu.values()].reduce((a, b) => a + b, 0) : null };
  } finally {
    clearInterval(timer);
  }
}
