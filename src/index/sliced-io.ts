import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/*
 * Reading an index happens on the thread that answers Discord, which must acknowledge every interaction within
 * 3 s and should never sit still for long (one JSON.parse of a 9 MB passage file blocked it for 65 ms at 12k
 * passages). So loading reads in slices, giving the event loop a turn every few milliseconds.
 */

/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 4;

/** Tells a loop when its slice is used up; `pause()` then lets pending I/O (gateway events, HTTP) run. */
export function timeSlicer(sliceMs = SLICE_MS): { due(): boolean; pause(): Promise<void> } {
  let sliceStart = performance.now();
  return {
    due: () => performance.now() - sliceStart >= sliceMs,
    pause: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    },
  };
}

/**
 * sha256 (hex) of a file, read a few megabytes at a time: the passage database of a large index is gigabytes, which
 * must not be held in memory to be checked. Each read is an event-loop turn.
 */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(FILE_PIECE_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

const FILE_PIECE_BYTES = 4 << 20;
