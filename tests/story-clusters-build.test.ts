import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { sourcesPage } from '../src/bot/commands/sources.js';
import { buildIndex } from '../src/index/build.js';
import { IndexUnusableError, parseManifest, serialiseManifest } from '../src/index/manifest.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { loadSnapshot } from '../src/index/store.js';
import { storyClusters } from '../src/search/story-clusters.js';
import { groupStories } from '../src/search/story-grouping.js';
import { tempCorpus } from './helpers/seed-runtime.js';

// Every call of the grouping in this process is counted; the build process (a separate Node) is not affected.
vi.mock('../src/search/story-grouping.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/search/story-grouping.js')>();
  return { ...original, groupStories: vi.fn(original.groupStories) };
});

const QUESTION = 'What did Lavrov tell the Belta news agency?';
const prefix = (file: string) => path.basename(file).slice(0, 3);
const storiesOf = (snapshot: IndexSnapshot) => storyClusters(snapshot).clusters.map((c) => c.map(prefix));

let settings: Awaited<ReturnType<typeof tempCorpus>>;
let runtime: Runtime;

beforeAll(async () => {
  settings = await tempCorpus('stories-build-');
  runtime = await openRuntime(settings, () => {});
});

describe('story clusters are grouped by the build, never by the thread that answers', () => {
  it('building in the build process, loading the generation and answering the first question groups nothing here', async () => {
    vi.mocked(groupStories).mockClear();
    const built = await runtime.index.current();
    const loaded = await loadSnapshot(settings.indexDir, runtime.embedder);
    for (const snapshot of [built, loaded]) {
      const story = (await answerQuestion(snapshot, runtime, QUESTION)).citations.find((c) => c.alsoReportedIn);
      expect(story && [prefix(story.source), ...story.alsoReportedIn!.map((r) => prefix(r.source))].sort()).toEqual(['003', '004']);
      const documents = Object.entries(snapshot.manifest.documents).map(([file, d]) => ({ ...d, file }));
      expect(sourcesPage(documents, 1, storyClusters(snapshot)).description).toMatch(/↳ same story as `004/);
      expect(storiesOf(snapshot)).toEqual([['004', '003']]);
    }
    expect(groupStories).toHaveBeenCalledTimes(0);
  });

  it('the count is real: a build on this thread groups once, into the stories the build process wrote', async () => {
    const written = await loadSnapshot(settings.indexDir, runtime.embedder);
    vi.mocked(groupStories).mockClear();
    const { snapshot } = await buildIndex({ corpusDir: settings.corpusDir, indexDir: path.join(settings.root, 'here'), embedder: runtime.embedder });
    expect(groupStories).toHaveBeenCalledTimes(1);
    expect(snapshot.manifest.stories).toEqual(written.manifest.stories);
  });

  it('a reindex regroups every article in the build process: a new copy joins a story, a removed report leaves one', async () => {
    await runtime.index.current();
    const original = await readFile(path.join(settings.corpusDir, '002_24ce755addd3eb41.txt'), 'utf8');
    await writeFile(path.join(settings.corpusDir, '902_copy.txt'), original.replace(/\b(the)\b/, 'this'));
    await rm(path.join(settings.corpusDir, (await readdir(settings.corpusDir)).find((f) => f.startsWith('004'))!));
    vi.mocked(groupStories).mockClear();
    const summary = await runtime.index.rebuild();
    expect(summary.added).toEqual(['902_copy.txt']);
    const after = await runtime.index.current();
    expect(storiesOf(after).map((c) => [...c].sort())).toEqual([['002', '902']]);
    await answerQuestion(after, runtime, QUESTION);
    expect(groupStories).toHaveBeenCalledTimes(0);
  });
});

describe('the stories in the manifest are checked like every other field', () => {
  it('a story naming an article the manifest does not list, or one article twice, is refused in one sentence', async () => {
    const { manifest } = await runtime.index.current();
    const [a, b] = Object.keys(manifest.documents);
    for (const [stories, reason] of [
      [[[a, 'gone.txt']], 'stories.0: names an article not listed'],
      [[[a, b], [b, a]], 'stories.1: names an article twice'],
      [[[a]], 'stories.0: Too small'],
    ] as const) {
      // Re-serialised, so the checksum matches and only the schema can catch it.
      const json = serialiseManifest({ ...manifest, stories: stories.map((s) => [...s]) });
      expect(() => parseManifest(json, 'x')).toThrow(IndexUnusableError);
      expect(() => parseManifest(json, 'x')).toThrow(`The index manifest in x is invalid (${reason}`);
    }
  });
});
