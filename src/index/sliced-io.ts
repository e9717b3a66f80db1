import { createHash } from 'node:crypto';

/*
 * Reading an index happens on the thread that answers Discord, which must acknowledge every interaction within
 * 3 s and should never sit still for long. Parsing a 9 MB chunks.json and a 7 MB keywords.json with one JSON.parse
 * each blocked it for 65 and 95 ms (12k passages), and the whole load for ~0.5 s. So the big JSON files hold one
 * array element per line — still one valid JSON document — and are parsed line by line with JSON.parse, yielding
 * to the event loop every few milliseconds; checksums are computed the same way.
 */

/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 4;
const HASH_PIECE_BYTES = 1 << 20;

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

/** A JSON array with one element per line. JSON.stringify never emits a raw newline, so each line is one element. */
export function stringifyArrayByLine(items: readonly unknown[]): string {
  if (items.length === 0) return '[]\n';
  return `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]\n`;
}

/**
 * Parses what stringifyArrayByLine wrote, in slices, straight from the file's bytes: each line is decoded on its own
 * (a newline byte never occurs inside a multi-byte UTF-8 character), so there is no 9 MB string to decode at once.
 * Throws SyntaxError for any other layout.
 */
export async function parseArrayByLine(bytes: Buffer): Promise<unknown[]> {
  const NEWLINE = 0x0a;
  const text = (from: number, to: number) => bytes.toString('utf8', from, to);
  const end = bytes.lastIndexOf('\n]');
  if (end < 0) {
    if (bytes.length <= 4 && text(0, bytes.length).trim() === '[]') return [];
    throw new SyntaxError('Expected a JSON array with one element per line.');
  }
  if (text(0, 2) !== '[\n' || text(end + 2, bytes.length).trim() !== '') {
    throw new SyntaxError('Expected a JSON array with one element per line.');
  }
  const items: unknown[] = [];
  const slice = timeSlicer();
  for (let at = 2; at <= end; ) {
    const next = Math.min(bytes.indexOf(NEWLINE, at), end);
    // Every line but the last ends with the comma that separates it from the next element.
    items.push(JSON.parse(text(at, next < end ? next - 1 : next)));
    at = next + 1;
    if (slice.due()) await slice.pause();
  }
  return items;
}

/** sha256 (hex) of `bytes`, hashed a megabyte at a time with turns of the event loop in between. */
export async function sha256InSlices(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  const slice = timeSlicer();
  for (let at = 0; at < bytes.length; at += HASH_PIECE_BYTES) {
    hash.update(bytes.subarray(at, at + HASH_PIECE_BYTES));
    if (slice.due()) await slice.pause();
  }
  return hash.digest('hex');
}
