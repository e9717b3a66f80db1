import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** Sampling interval in µs: a warm question takes milliseconds, so 100 µs gives tens of samples each. */
const SAMPLING_US = 100;
const TOP = 12;

export interface ProfileLine {
  name: string;
  selfMs: number;
  share: number;
}

export interface CpuProfileSummary {
  totalMs: number;
  /** Self time per source file (our modules by path, dependencies by package, V8's own entries by name). */
  byFile: ProfileLine[];
  /** Self time per function, `name (file)` or `name (package:line)`. */
  byFunction: ProfileLine[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Where a profile frame's code lives, short: `src/search/fusion.ts`, `minisearch`, `(garbage collector)`. */
function fileOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(V8 builtins, native code)';
  const file = url.replace(/^file:\/\//, '');
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (dependency) return dependency[1];
  if (file.startsWith('node:')) return file;
  return path.relative(process.cwd(), file);
}

function top(totals: Map<string, number>, totalMs: number): ProfileLine[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, selfMs]) => ({ name, selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 }));
}

/**
 * Runs `work` under V8's sampling CPU profiler (the one `node --cpu-prof` uses, through the inspector) and sums
 * self time by file and by function: which step of a question dominates, below the stage timings answerQuestion
 * reports. Idle samples (waiting on nothing) are left out of the total.
 */
export async function profileDuring(work: () => Promise<void>): Promise<CpuProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    const nodes = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n as ProfileNode]));
    const byFile = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let totalMs = 0;
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const frame = nodes.get(samples[i])?.callFrame;
      if (!frame || frame.functionName === '(idle)') continue;
      const ms = (deltas[i + 1] ?? 0) / 1000; // a sample's time is the gap to the next one
      const file = fileOf(frame.url, frame.functionName);
      // tsx's output puts our modules on one line (line 1 says nothing), dependencies keep theirs.
      const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
      const fn = frame.functionName.startsWith('(') ? file : `${frame.functionName || '(anonymous)'} (${frame.url ? file : 'native'}${line})`;
      byFile.set(file, (byFile.get(file) ?? 0) + ms);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
      totalMs += ms;
    }
    return { totalMs, byFile: top(byFile, totalMs), byFunction: top(byFunction, totalMs) };
  } finally {
    session.disconnect();
  }
}
