import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { IndexService } from '../index/index-service.js';
import { withChildPeakRss } from './child-rss.js';
import { phaseTimer } from './phases.js';
import { withLongestStall } from './stall.js';
import type { ReindexFigures } from './types.js';

/**
 * The two rebuilds an operator triggers most: nothing changed (a /reindex "just in case"), and one article edited.
 * Both run on a service that already holds its index, as the bot's does. The edit appends a paragraph, which
 * changes the article's hash and its last chunk or adds one, as a correction to a story would.
 */
export async function measureReindex(index: IndexService, corpusDir: string, editFile: string): Promise<Omit<ReindexFigures, 'loadFromDiskMs' | 'loadStallMs'>> {
  await index.current();
  let t = performance.now();
  const noop = await index.rebuild();
  const noopMs = performance.now() - t;

  await appendFile(path.join(corpusDir, editFile), '\n\nCorrection: an earlier version of this article misstated the date of the meeting.\n');
  const phases = phaseTimer();
  t = performance.now();
  const { result: measured, childPeakMiB: oneChangedChildPeakMiB } = await withChildPeakRss(() => withLongestStall(() => index.rebuild(phases.onProgress)));
  const { result: changed, longestStallMs: oneChangedStallMs } = measured;
  const oneChangedMs = performance.now() - t;
  return {
    noopMs,
    noopRebuilt: noop.rebuilt,
    oneChangedMs,
    oneChangedCount: changed.changed.length,
    oneChangedPhases: phases.finish(),
    oneChangedStallMs,
    oneChangedChildPeakMiB,
  };
}
