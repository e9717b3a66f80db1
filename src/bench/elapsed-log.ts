import type { BuildProgress } from '../index/build.js';

/** A stderr logger whose lines carry the time elapsed since `since` (Date.now()): `[bench +83.2 s build] …`. */
export function elapsedLog(since: number, tag: string): (message: string) => void {
  return (message) => process.stderr.write(`[bench +${((Date.now() - since) / 1000).toFixed(1)} s ${tag}] ${message}\n`);
}

/** How often a long build phase reports how far it got: a 1M build embeds for many minutes. */
const PROGRESS_EVERY_MS = 15_000;

/** Build progress as log lines: each new phase at once, then its done / total at most every PROGRESS_EVERY_MS. */
export function progressLines(log: (message: string) => void): (p: BuildProgress) => void {
  let phase = '';
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase === phase && now - last < PROGRESS_EVERY_MS) return;
    phase = p.phase;
    last = now;
    log(p.total > 1 ? `${p.phase} ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')}` : p.phase);
  };
}
