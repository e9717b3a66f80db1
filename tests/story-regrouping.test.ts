/**
 * Story grouping at scale: stock phrases are no evidence of copying, and a one-article change regroups from the
 * previous generation's trigram index, reading only what the change can reach.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkDocument, type Chunk } from '../src/chunk/chunker.js';
import { buildIndex } from '../src/index/build.js';
import type { ManifestDocument } from '../src/index/manifest.js';
import { groupStories } from '../src/search/story-grouping.js';
import { previousStories, regroupStories } from '../src/search/story-regrouping.js';
import { byArticle, storySentences } from '../src/search/story-sentences.js';
import { loadStockWords } from '../src/search/story-stock-phrases.js';
import { allPassages } from './helpers/passages.js';
import { hashingEmbedder } from './helpers/hashing-embedder.js';
import { tempCorpus } from './helpers/seed-runtime.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

const prefix = (file: string) => file.slice(0, 3);
const undated = (files: string[]): Record<string, ManifestDocument> => Object.fromEntries(files.map((f) => [f, { date: null } as unknown as ManifestDocument]));
const article = (file: string, paragraphs: string[]): Chunk[] => chunkDocument({ file, text: paragraphs.join('\n\n') });

// Every word of these is among English's 1,000 most frequent (checked below): a paragraph anyone could write.
const stockParagraph = [
  'It was one of the most important things that the new government had done in the last few years.',
  'He said that the city would need more time and more money before it could open the new school to all of the children.',
  'It was one of the most important things that the new government had done in the last few years, he said.',
];
// A paragraph of wire copy: names, places, the words of one story.
const namedParagraph = [
  'Georgian Prime Minister Irakli Kobakhidze told reporters in Batumi on Tuesday that the Tbilisi government had approved the Anaklia port contract.',
  'Kobakhidze said the Anaklia deepwater port would be built by a consortium led by Singapore-based Portcomm and would open to shipping by 2029.',
  'Opposition leader Tina Bokuchava criticised the decision, saying the Anaklia tender had been rushed through parliament without a public hearing.',
];
const copperParagraph = [
  'Chilean copper producer Codelco said on Monday that output at its Chuquicamata and El Teniente mines fell eleven percent in the third quarter.',
  'Codelco chairman Maximo Pacheco blamed delays at the Rajo Inca expansion and heavy snowfall in the Andes for the drop in production.',
  'Analysts at Santiago brokerage Larrain Vial cut their forecast for Chilean copper exports and warned that the state budget would feel the shortfall.',
];
/**
 * Each sentence lengthened by 70 words of its own: the short sentence is all in the long one, the long one keeps
 * under a third of its trigrams in the short one, so only the short article carries sentences over.
 */
const lengthened = (paragraph: string[], tag: string) =>
  paragraph.map((sentence, i) => `${sentence.replace(/\.$/, '')}, ${Array.from({ length: 70 }, (_, k) => `${tag}${i}w${k}`).join(' ')}.`);

describe('stock phrases', () => {
  const lead = (topic: string) => `Fishermen in ${topic} reported the largest herring catch in a decade after an unusually cold spring.`;

  it('three shared sentences of basic vocabulary do not make one story; three of wire copy do', async () => {
    const stock = await loadStockWords();
    for (const sentence of stockParagraph) expect(sentence.toLowerCase().match(/[a-z]+/g)!.filter((w) => !stock.has(w))).toEqual([]);
    const chunks = [
      ...article('100_a.txt', [lead('Bergen'), stockParagraph.join(' ')]),
      ...article('101_b.txt', [lead('Tromsø'), stockParagraph.join(' ')]),
      ...article('102_c.txt', [lead('Ålesund'), namedParagraph.join(' ')]),
      ...article('103_d.txt', [lead('Bodø'), namedParagraph.join(' ')]),
    ];
    const groups = await groupStories(chunks, undated(['100_a.txt', '101_b.txt', '102_c.txt', '103_d.txt']));
    expect(groups.map((g) => g.map(prefix))).toEqual([['102', '103']]);
  });
});

describe('a one-article change regroups from the trigram index', () => {
  it('reads the passages of the story that lost a member only, and finds the groups a full grouping finds', async () => {
    const settings = await tempCorpus('regroup-');
    roots.push(settings.root);
    // Stories one direction of the test alone can find: 905 holds 906's sentences lengthened (906 carries them
    // over into 905, not the reverse); 908 holds 907's lengthened (907 carries them into 908).
    await writeFile(path.join(settings.corpusDir, '905_lengthened.txt'), `Port deal\n\n${lengthened(namedParagraph, 'p').join(' ')}\n`);
    await writeFile(path.join(settings.corpusDir, '907_copper.txt'), `Copper output\n\n${copperParagraph.join(' ')}\n`);
    const { snapshot } = await buildIndex({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder: hashingEmbedder() });
    const files = Object.keys(snapshot.manifest.documents).sort();
    expect(snapshot.manifest.stories.map((g) => g.map(prefix).sort())).toEqual([['003', '004']]);
    // The generation records the stock words its trigram index left out; an update leaves out the same.
    expect(snapshot.store.storyStockWords()).toEqual(await loadStockWords());
    expect(snapshot.store.storyStockWords().size).toBe(1000);
    const copy = '902_copy.txt';

    // 003 is rewritten (its story with 004 loses it), and a light copy of 002 arrives.
    const changed = files.find((f) => f.startsWith('003'))!;
    const texts = new Map([
      ['906_port.txt', `Port deal approved\n\n${namedParagraph.join(' ')}\n`],
      ['908_copper_lengthened.txt', `Copper output falls\n\n${lengthened(copperParagraph, 'c').join(' ')}\n`],
      [changed, 'Markets in Jakarta closed higher on Tuesday as investors weighed new figures on palm oil exports.\n'],
      [copy, (await readFile(path.join(settings.corpusDir, files.find((f) => f.startsWith('002'))!), 'utf8')).replace(/\b(the)\b/, 'this')],
    ]);
    let next = snapshot.chunks.length;
    const added = [...texts].flatMap(([file, text]) => chunkDocument({ file, text }).map((chunk) => ({ id: next++, chunk })));
    const removed = snapshot.chunks.positionsOf(changed).map((id) => ({ id, chunk: snapshot.chunks.get(id) }));
    const stock = await loadStockWords();
    const fresh = storySentences(byArticle(added), stock);

    const previous = previousStories(snapshot);
    const read: string[] = [];
    const looked: number[] = [];
    const counted = {
      ...previous,
      passagesOf: (file: string) => (read.push(file), previous.passagesOf(file)),
      holders: (keys: Iterable<number>) => previous.holders([...keys].map((k) => (looked.push(k), k))),
    };
    const after = [...new Set([...files, ...texts.keys()])].sort();
    const regrouped = await regroupStories(counted, { gone: new Set([changed]), fresh, stock: snapshot.store.storyStockWords() }, undated(after));

    const current = [...allPassages(snapshot).filter(([, c]) => c.file !== changed).map(([, c]) => c), ...added.map((a) => a.chunk)];
    expect(regrouped).toEqual(await groupStories(current, undated(after)));
    expect(regrouped.map((g) => g.map(prefix).sort()).sort()).toEqual([['002', '902'], ['905', '906'], ['907', '908']]);
    expect(read.map(prefix)).toEqual(['004']);
    expect(new Set(looked)).toEqual(new Set(fresh.trigrams));
    expect(removed.length).toBeGreaterThan(0);

    // The update writes the same index a full build of the changed corpus writes.
    for (const [file, text] of texts) await writeFile(path.join(settings.corpusDir, file), text);
    const updated = (await buildIndex({ corpusDir: settings.corpusDir, indexDir: settings.indexDir, embedder: hashingEmbedder(), previous: snapshot })).snapshot;
    expect(updated.manifest.counts.deletedVectors).toBeGreaterThan(0);
    const full = (await buildIndex({ corpusDir: settings.corpusDir, indexDir: path.join(settings.root, 'full'), embedder: hashingEmbedder() })).snapshot;
    const holdersByFile = (s: typeof full) => {
      const keys = new Set(storySentences(byArticle(allPassages(s).map(([id, chunk]) => ({ id, chunk }))), stock).trigrams);
      return [...s.store.storyHolders(keys)].map(([key, list]) => [key, list.map((h) => `${s.chunks.fileOf(h.passage)}:${s.chunks.get(h.passage).ordinal}:${h.place}:${h.size}`).sort()]).sort((a, b) => Number(a[0]) - Number(b[0]));
    };
    expect(holdersByFile(updated)).toEqual(holdersByFile(full));
    expect(updated.manifest.stories).toEqual(full.manifest.stories);
  }, 120_000);
});
