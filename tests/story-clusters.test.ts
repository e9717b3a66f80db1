import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/answer/answer.js';
import { ALSO_REPORTED_IN, formatAnswerText } from '../src/answer/format-text.js';
import { openRuntime } from '../src/app/runtime.js';
import { renderAnswer } from '../src/bot/render-answer.js';
import { loadQuestions } from '../src/eval/questions.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { sameStory, storyClusters } from '../src/search/story-clusters.js';
import { seedRuntime, tempCorpus } from './helpers/seed-runtime.js';

let runtime: Awaited<ReturnType<typeof seedRuntime>>;
let snapshot: IndexSnapshot;
const prefix = (file: string) => path.basename(file).slice(0, 3);

beforeAll(async () => {
  runtime = await seedRuntime();
  snapshot = await runtime.index.current();
});

describe('story clusters on the seeds', () => {
  it('groups 003 and 004 (rewritten wire copy), dated first, and nothing else', () => {
    const { clusters } = storyClusters(snapshot);
    expect(clusters.map((c) => c.map(prefix))).toEqual([['004', '003']]);
    expect(sameStory(snapshot, clusters[0][1]).map(prefix)).toEqual(['004']);
    expect(sameStory(snapshot, Object.keys(snapshot.manifest.documents)[0])).toEqual([]);
  });

  it('answers cite one article per story and name the others, in the CLI text and on the Discord embed', async () => {
    const answer = await answerQuestion(snapshot, runtime, 'What did Lavrov tell the Belta news agency?');
    const cited = answer.citations.map((c) => prefix(c.source));
    expect(cited.filter((p) => p === '003' || p === '004')).toHaveLength(1);
    const story = answer.citations.find((c) => ['003', '004'].includes(prefix(c.source)))!;
    const other = prefix(story.source) === '003' ? '004' : '003';
    expect(story.alsoReportedIn?.map((r) => prefix(r.source))).toEqual([other]);
    const doc = Object.values(snapshot.manifest.documents).find((d) => prefix(d.source) === other)!;
    expect(story.alsoReportedIn?.[0]).toEqual({ source: doc.source, title: doc.title, date: doc.date });
    for (const c of answer.citations.filter((c) => c !== story)) expect(c.alsoReportedIn).toBeUndefined();

    const readable = doc.date === '2023-11-12' ? '12 Nov 2023' : 'undated';
    expect(formatAnswerText(answer)).toMatch(new RegExp(`\\n    ${ALSO_REPORTED_IN}: .+ \\(${readable}\\)\\n`));
    const embed = renderAnswer(answer).embeds[story.n - 1];
    expect(embed.fields).toEqual([{ name: ALSO_REPORTED_IN, value: expect.stringContaining(`(${readable})`) }]);
  });

  it('cites a second report of a story only for a sentence the first does not carry: no dev answer shows one twice', async () => {
    const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const trigrams = (text: string) => new Set(words(text).slice(2).map((w, i) => `${words(text)[i]} ${words(text)[i + 1]} ${w}`));
    let both = 0;
    for (const q of await loadQuestions('eval/dev.jsonl')) {
      const citations = (await answerQuestion(snapshot, runtime, q.q)).citations;
      const story = citations.filter((c) => ['003', '004'].includes(prefix(c.source)));
      if (story.length < 2) continue;
      both += 1;
      const [first, second] = story.map((c) => trigrams(c.highlight));
      const shared = [...second].filter((g) => first.has(g)).length;
      expect(shared / second.size, q.q).toBeLessThan(0.3);
    }
    // Lavrov's own call for a ceasefire (003) is not the international community's call for a truce (004).
    const truce = await answerQuestion(snapshot, runtime, 'what did the russian foreign minister say about a truce');
    expect(truce.citations.map((c) => prefix(c.source)).sort()).toEqual(expect.arrayContaining(['003', '004']));
    expect(both).toBeGreaterThan(0);
  });
});

describe('the threshold', () => {
  it('one shared quote is not the same story; a carried-over paragraph of three sentences is', async () => {
    const settings = await tempCorpus('clusters-');
    const source = await readFile(path.join(settings.corpusDir, '002_24ce755addd3eb41.txt'), 'utf8');
    // Three long sentences of 002, each kept but for a word or two, in an otherwise different article.
    const sentences = source.match(/[^.!?\n]{80,}[.!?]/g)!.slice(0, 3);
    const filler = 'Markets in Jakarta closed higher on Tuesday as investors weighed new figures on palm oil exports and rice harvests across the archipelago.';
    const reworded = (s: string) => s.replace(/\b(the|a)\b/, 'this');
    const otherNews = 'Fishermen in Bergen reported the largest herring catch in a decade after an unusually cold spring kept the shoals close to shore.';
    await writeFile(path.join(settings.corpusDir, '900_quote.txt'), `Nordic roundup\n\n${otherNews}\n\n${reworded(sentences[0])}\n`);
    await writeFile(path.join(settings.corpusDir, '901_copy.txt'), `Regional roundup\n\n${filler}\n\n${sentences.map(reworded).join(' ')}\n`);
    const own = await openRuntime(settings, () => {});
    const clusters = storyClusters(await own.index.current()).clusters.map((c) => c.map(prefix).sort());
    expect(clusters).toContainEqual(['002', '901']);
    expect(clusters.flat()).not.toContain('900');
  });

  it('names at most five other reports under a citation, and says how many more there are', async () => {
    const settings = await tempCorpus('clusters-many-');
    const source = await readFile(path.join(settings.corpusDir, '004_6c860c4a14f93851.txt'), 'utf8');
    // Eight re-publications of 004, each with its own dateline: with 003 and 004, a story of ten reports.
    for (let i = 0; i < 8; i++) await writeFile(path.join(settings.corpusDir, `9${i}0_copy.txt`), `Wire copy ${i}\n\nDispatch ${i} from desk ${i}. ${source}`);
    const own = await openRuntime(settings, () => {});
    const snap = await own.index.current();
    expect(storyClusters(snap).clusters.map((c) => c.length)).toEqual([10]);
    const answer = await answerQuestion(snap, own, 'What did Lavrov tell the Belta news agency?');
    const story = answer.citations.find((c) => c.alsoReportedIn)!;
    const cited = answer.citations.filter((c) => storyClusters(snap).clusterOf.has(path.basename(c.source))).length;
    expect(story.alsoReportedIn).toHaveLength(5);
    expect(story.moreReports).toBe(10 - cited - 5);
    expect(formatAnswerText(answer)).toContain(`; ${10 - cited - 5} more`);
  });
});

