import type { BuildSummary } from './build.js';

/** One line for operators, shared by `npm run index` and `/reindex`. */
export function describeSummary(s: BuildSummary): string {
  if (!s.rebuilt) return `Index is up to date: ${s.documents} documents, ${s.chunks} passages (checked in ${s.seconds.toFixed(2)} s).`;
  return (
    `Indexed ${s.documents} documents into ${s.chunks} passages in ${s.seconds.toFixed(2)} s ` +
    `(added ${s.added.length}, changed ${s.changed.length}, removed ${s.removed.length}, unchanged ${s.unchanged}` +
    `${s.skipped.length ? `, skipped ${s.skipped.length}` : ''}).`
  );
}
