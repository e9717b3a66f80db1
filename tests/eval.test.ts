import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRuntime } from '../src/app/runtime.js';
import { untagBrown } from '../src/corpus/brown.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { prepareDistractorCorpus } from '../src/eval/distractors.js';
import { evaluate } from '../src/eval/evaluate.js';
import { loadQuestions } from '../src/eval/questions.js';
import { seedRuntime } from './helpers/seed-runtime.js';

const dev = await loadQuestions('eval/dev.jsonl');

/** Counts out of the in-corpus questions, as README reports them. */
const inCorpusCount = (share: number, inCorpus: number) => Math.round(share * inCorpus);

// The figures README reports (npm run eval), as floors: a change that loses a question fails here. The 60
// questions are a small sample of how people ask; the held-out set of the same kinds is what counts.
describe('eval on the dev questions', () => {
  it('seeds: the first 12 questions all pass; on all 60, hit@3 ≥ 42/43, answer ≥ 41/43, rejected 17/17, wrongly rejected ≤ 1/43', async () => {
    const runtime = await seedRuntime();
    const snapshot = await runtime.index.current();
    const original = (await evaluate(snapshot, runtime, dev.slice(0, 12))).summary;
    expect(original).toMatchObject({ questions: 12, inCorpus: 10, outOfCorpus: 2, hitAt3: 1, outOfCorpusRejected: 2, inCorpusRejected: 0 });
    expect(original.answerInTop3).toBe(1);

    const { summary } = await evaluate(snapshot, runtime, dev);
    expect(summary).toMatchObject({ questions: 60, inCorpus: 43, outOfCorpus: 17 });
    expect(inCorpusCount(summary.hitAt3, 43)).toBeGreaterThanOrEqual(42);
    expect(inCorpusCount(summary.answerInTop3, 43)).toBeGreaterThanOrEqual(41);
    expect(summary.outOfCorpusRejected).toBe(17);
    expect(summary.inCorpusRejected).toBeLessThanOrEqual(1);
  });

  it('seeds + 500 Brown distractor documents: hit@3 ≥ 41/43, answer ≥ 41/43, rejected ≥ 16/17, at most 1 wrongly, and fusion beats vectors and finds as many as BM25', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'distractors-'));
    const { corpusDir, indexDir } = await prepareDistractorCorpus('brown', 'corpus', root);
    const runtime = await openRuntime({ corpusDir, indexDir, model: 'glove-sif-100d' }, () => {});
    const snapshot = await runtime.index.current();
    expect(snapshot.manifest.counts.documents).toBe(505);

    const hybrid = (await evaluate(snapshot, runtime, dev, 'hybrid')).summary;
    expect(inCorpusCount(hybrid.hitAt3, 43)).toBeGreaterThanOrEqual(41);
    expect(inCorpusCount(hybrid.answerInTop3, 43)).toBeGreaterThanOrEqual(41);
    expect(hybrid.outOfCorpusRejected).toBeGreaterThanOrEqual(16);
    expect(hybrid.inCorpusRejected).toBeLessThanOrEqual(1);
    const vector = (await evaluate(snapshot, runtime, dev, 'vector')).summary;
    const bm25 = (await evaluate(snapshot, runtime, dev, 'bm25')).summary;
    // Fusion finds more right articles than vectors alone, and at least as many as BM25 alone.
    expect(hybrid.hitAt3).toBeGreaterThan(vector.hitAt3);
    expect(hybrid.hitAt3).toBeGreaterThanOrEqual(bm25.hitAt3);
  });
});

describe('Brown corpus conversion', () => {
  it('strips POS tags back to readable text', () => {
    const tagged = "\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc it/pps wasn't/bedz* ./.\n\n\tNew/jj paragraph/nn ./.";
    expect(untagBrown(tagged)).toBe('The jury said "no evidence", and it wasn\'t.\n\nNew paragraph.');
  });

  it('writes 500 titled articles beside the seeds', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'brown-'));
    const { corpusDir } = await prepareDistractorCorpus('brown', 'corpus', root);
    const { documents, skipped } = await loadCorpus(corpusDir);
    expect(skipped).toEqual([]);
    expect(documents).toHaveLength(505);
    const ca01 = documents.find((d) => d.file === 'brown_ca01.md')!;
    expect(ca01.title).toBe('Brown ca01: The Atlanta Constitution (press: reportage)');
    expect(ca01.text).toMatch(/^The Fulton County Grand Jury said Friday an investigation/);
    expect(ca01.text).not.toMatch(/\/(at|nn|vbd)\b/);
  });
});
