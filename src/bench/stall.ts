import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Sampling interval of the event-loop monitor; a stall shorter than this cannot be told from a free loop. */
const RESOLUTION_MS = 2;

/**
 * Runs `work` and reports the longest the event loop went without running a timer meanwhile: how long a Discord
 * event arriving at the worst moment would have waited. It counts every cause (our synchronous work, garbage
 * collection, and the machine not giving us a core), so on a busy machine it overstates what the code blocks.
 */
export async function withLongestStall<T>(work: () => Promise<T>): Promise<{ result: T; longestStallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  try {
    // The monitor measures from its first timer turn: work that blocks before that turn would go unrecorded.
    await new Promise((resolve) => setTimeout(resolve, RESOLUTION_MS * 5));
    const result = await work();
    // The monitor records a stall only when its next timer fires: give it that turn before reading.
    await new Promise((resolve) => setTimeout(resolve, RESOLUTION_MS * 5));
    return { result, longestStallMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}
