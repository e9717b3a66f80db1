import type { BuildProgress } from '../index/build.js';

/**
 * Turns onProgress events into wall time per build phase, without touching the build code: a phase lasts from
 * its first event to the first event of the next one (or the end). Time before the first event is "prepare"
 * (reading the corpus, chunking). Phases are taken as they come, so new or renamed ones still show up.
 */
export function phaseTimer(): { onProgress: (p: BuildProgress) => void; finish: () => Array<{ phase: string; seconds: number }> } {
  const started = performance.now();
  const marks: Array<{ phase: string; at: number }> = [{ phase: 'prepare', at: started }];
  return {
    onProgress(p) {
      if (marks[marks.length - 1].phase !== p.phase) marks.push({ phase: p.phase, at: performance.now() });
    },
    finish() {
      const ended = performance.now();
      return marks.map((m, i) => ({ phase: m.phase, seconds: ((marks[i + 1]?.at ?? ended) - m.at) / 1000 }));
    },
  };
}
