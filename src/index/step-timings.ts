/**
 * Milliseconds per build step, filled in only when a caller asks (the one-article-change bench,
 * src/bench/one-change.ts): a one-article change is a chain of steps of very different cost, and the progress
 * phases the operator sees are too coarse to say which of them grows with the corpus.
 */
export type StepTimings = Record<string, number>;

/** Runs `work`, adding its duration to `timings[step]` when timings are collected. */
export async function timeStep<T>(timings: StepTimings | undefined, step: string, work: () => T | Promise<T>): Promise<T> {
  if (!timings) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = (timings[step] ?? 0) + performance.now() - started;
  }
}
