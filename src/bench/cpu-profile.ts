import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** Default sampling interval in µs: a warm question takes milliseconds, so 100 µs gives tens of samples each. */
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
  children?: number[];
}

/** Where a profile frame's code lives, short: `src/search/fusion.ts`, `minisearch`, `(garbage collector)`. */
function fileOf(url: string, functionName: string): string {
  if (!url) return functionName;
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
export async function profileDuring(work: () => Promise<void>, samplingUs = SAMPLING_US): Promise<CpuProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: samplingUs });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    const nodes = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n as ProfileNode]));
    const parents = new Map<number, number>();
    for (const node of nodes.values()) for (const child of node.children ?? []) parents.set(child, node.id);
    // Native code (builtins, hnswlib's search, onnxruntime's run) has no script, and V8 names an addon's methods
    // unreliably (hnswlib's searchKnn shows as "InferenceSession" once onnxruntime is loaded): it is charged to
    // the nearest JS caller instead, which says what it was doing.
    const charged = (id: number): { frame: ProfileNode['callFrame']; native: boolean } => {
      const own = nodes.get(id)!.callFrame;
      if (own.url || own.functionName.startsWith('(')) return { frame: own, native: false };
      for (let up = parents.get(id); up !== undefined; up = parents.get(up)) {
        const frame = nodes.get(up)!.callFrame;
        if (frame.url) return { frame, native: true };
      }
      return { frame: own, native: true };
    };
    const byFile = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let totalMs = 0;
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      if (!nodes.has(samples[i]) || nodes.get(samples[i])!.callFrame.functionName === '(idle)') continue;
      const { frame, native } = charged(samples[i]);
      const ms = (deltas[i + 1] ?? 0) / 1000; // a sample's time is the gap to the next one
      const where = fileOf(frame.url, frame.functionName);
      const file = native ? `${where}, native calls` : where;
      // tsx's output of our modules does not keep their line numbers; dependencies' do.
      const line = frame.lineNumber > 0 && !frame.url.endsWith('.ts') ? `:${frame.lineNumber + 1}` : '';
      const name = `${frame.functionName || '(anonymous)'} (${where}${line})`;
      const fn = frame.functionName.startsWith('(') && !native ? where : native ? `native code called from ${name}` : name;
      byFile.set(file, (byFile.get(file) ?? 0) + ms);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
      totalMs += ms;
    }
    return { totalMs, byFile: top(byFile, totalMs), byFunction: top(byFunction, totalMs) };
  } finally {
    session.disconnect();
  }
}
