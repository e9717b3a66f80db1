import { describe, expect, it } from 'vitest';
import { IndexService } from '../src/index/index-service.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { corpusStats, prepareCorpusStats } from '../src/search/corpus-stats.js';
import { seedRuntime, tempCorpus } from './helpers/seed-runtime.js';

describe('a snapshot is prepared before it is served', () => {
  it('the index service awaits `prepare` before any caller gets the snapshot', async () => {
    const runtime = await seedRuntime();
    const settings = await tempCorpus();
    const prepared: IndexSnapshot[] = [];
    const service = new IndexService({
      corpusDir: settings.corpusDir,
      indexDir: settings.indexDir,
      embedder: runtime.embedder,
      prepare: async (snapshot) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        prepared.push(snapshot);
      },
    });
    const first = await service.current();
    expect(prepared).toEqual([first]);
    await service.rebuild(); // nothing changed: the same snapshot, not prepared again
    expect(await service.current()).toBe(first);
  });

  it('statistics prepared in slices are the ones answering uses, computed once', async () => {
    const runtime = await seedRuntime();
    const snapshot = await runtime.index.current();
    const sliced = await prepareCorpusStats(snapshot);
    expect(corpusStats(snapshot)).toBe(sliced);
    expect(sliced.articles).toBe(5);
    expect(sliced.articleFrequency.get('lavrov')).toBe(5);
    expect(sliced.surfaceOf.get('hama')).toBe('hamas');
  });
});
