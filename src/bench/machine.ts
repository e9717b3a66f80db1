import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Machine } from './types.js';

/*
 * Timings on a 2-core machine are only as good as the machine was quiet. The load average cannot tell: it lags by
 * minutes and counts the bench's own earlier runs. Instead, the CPU time all processes used during the run (from
 * the kernel's per-core counters) is compared with the CPU time the bench's own processes used; the difference is
 * what other work took from the measurements.
 */

export interface CpuCounters {
  busyMs: number;
  totalMs: number;
}

export function cpuCounters(): CpuCounters {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of os.cpus()) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq;
    totalMs += total;
    busyMs += total - times.idle;
  }
  return { busyMs, totalMs };
}

/** CPU time this process has used so far, in ms (children report their own the same way). */
export function ownCpuMs(): number {
  const usage = process.resourceUsage();
  return (usage.userCPUTime + usage.systemCPUTime) / 1000;
}

/**
 * CPU time of this process's finished child processes (index builds), in ms: the kernel's cutime + cstime from
 * /proc/self/stat, in USER_HZ ticks (100 a second on Linux). 0 where there is no /proc.
 */
export function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are fields 16, 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/** Share (0–1) of the machine's CPU capacity used by processes other than ours between the two readings. */
export function othersCpuShare(before: CpuCounters, after: CpuCounters, ourCpuMs: number): number {
  const total = after.totalMs - before.totalMs;
  if (total <= 0) return 0;
  return Math.max(0, (after.busyMs - before.busyMs - ourCpuMs) / total);
}

export function describeMachine(othersCpuShareDuringRun: number, calibration: { beforeMs: number; afterMs: number }): Machine {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    memoryGiB: os.totalmem() / 2 ** 30,
    othersCpuShareDuringRun,
    calibration,
  };
}

/**
 * A fixed CPU- and memory-bound workload (seeded random floats sorted, strings through a Map), timed. On a VM
 * the host's other tenants can slow everything down without any process here showing it; running this before and
 * after the measurements makes such a slowdown visible and lets runs on the same machine be compared.
 */
export function calibrationMs(): number {
  const started = performance.now();
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const numbers = Float64Array.from({ length: 1_000_000 }, random).sort();
  const counts = new Map<string, number>();
  for (let i = 0; i < 300_000; i++) {
    const key = `w${Math.floor(numbers[i] * 50_000)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) throw new Error('unreachable: keeps the work from being optimised away');
  return performance.now() - started;
}
