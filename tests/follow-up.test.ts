import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../src/app/runtime.js';
import { answerFollowUp, readFollowUp, type FollowUpContext } from '../src/answer/follow-up.js';
import { evaluate } from '../src/eval/evaluate.js';
import { loadQuestions } from '../src/eval/questions.js';
import type { IndexSnapshot } from '../src/index/snapshot.js';
import { seedRuntime, tempCorpus } from './helpers/seed-runtime.js';

const LAVROV_HEZBOLLAH = 'What did Lavrov say about Hezbollah?';

let runtime: Runtime;
let snapshot: IndexSnapshot;
let context: FollowUpContext;

beforeAll(async () => {
  runtime = await seedRuntime();
  snapshot = await runtime.index.current();
  context = { vectors: runtime.vectors, newestArticle: '2024-11-04' };
});

describe('reading a follow-up with the question before it', () => {
  it('a new thing without pointing back takes the place of the earlier focus (the last content word)', () => {
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'what about Iran?', context)).toEqual({ question: 'What did Lavrov say about Iran?', standsAlone: false, replaced: ['hezbollah'] });
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'and hamas?', context).question).toBe('What did Lavrov say about hamas?');
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'So what about the hostages in Gaza?', context).question).toBe('What did Lavrov say about hostages in Gaza?');
    // The article went with the word it introduced.
    expect(readFollowUp('What did Lavrov say about a ceasefire?', 'what about hostages', context).question).toBe('What did Lavrov say about hostages?');
    // "US" in capitals is a name, and the focus, though "us" is a stop word.
    expect(readFollowUp('What did Lavrov say about the US?', 'and the European Union?', context).question).toBe('What did Lavrov say about the European Union?');
  });

  it('a new word of the same kind as a frame word replaces that word instead', () => {
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'and Putin?', context)).toEqual({ question: 'What did Putin say about Hezbollah?', standsAlone: false, replaced: ['lavrov'] });
    // Without word vectors nothing is known to be of a kind: the focus is replaced.
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'and Putin?', { vectors: null }).question).toBe('What did Lavrov say about Putin?');
  });

  it('a follow-up that points back keeps the earlier question and adds its own new words', () => {
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'when was that?', context)).toEqual({ question: LAVROV_HEZBOLLAH, standsAlone: false, replaced: [] });
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'who else said so', context).question).toBe(LAVROV_HEZBOLLAH);
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'did he deny it?', context).question).toBe('What did Lavrov say about Hezbollah deny');
  });

  it('a time in the follow-up replaces the earlier time; without one the earlier time stays', () => {
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'and in 2023?', context).question).toBe('What did Lavrov say about Hezbollah in 2023');
    expect(readFollowUp('What did Lavrov say in November 2023?', 'and in December?', context).question).toBe('What did Lavrov say in December');
    // Its only content word is its focus: "what about Hamas?" asks what Hamas said then.
    expect(readFollowUp('What did Lavrov say in November 2023?', 'what about Hamas?', context).question).toBe('What did Hamas say in November 2023?');
  });

  it('a complete question stands alone', () => {
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'What did Putin say about the Olympics?', context)).toEqual({
      question: 'What did Putin say about the Olympics?',
      standsAlone: true,
      replaced: [],
    });
    // One content word is not a question of its own, and a lead-in or a pronoun ties even a long one back.
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'Iran?', context).standsAlone).toBe(false);
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'and what did Putin say about the Olympics?', context).standsAlone).toBe(false);
    expect(readFollowUp(LAVROV_HEZBOLLAH, 'what did he say about the Olympics?', context).standsAlone).toBe(false);
  });
});

describe('answering a follow-up', () => {
  it('searches the earlier question with the follow-up, and says what was searched', async () => {
    const { answer, reading } = await answerFollowUp(snapshot, runtime, LAVROV_HEZBOLLAH, 'what about Iran?');
    expect(reading.question).toBe('What did Lavrov say about Iran?');
    expect(answer.question).toBe('what about Iran?');
    expect(answer.searchedFor).toBe('What did Lavrov say about Iran?');
    expect(answer.answered).toBe(true);
    expect(answer.citations[0].excerpt).toMatch(/Iran/);
    // Alone, "what about Iran?" is a different search: the earlier question is what finds Lavrov's words.
    const alone = await answerFollowUp(snapshot, runtime, 'What did Putin say about the Olympics?', 'What did Lavrov say about Iran?');
    expect(alone.reading.standsAlone).toBe(true);
    expect(alone.answer.searchedFor).toBeNull();
  });

  it('a follow-up the articles cannot answer says so like any question', async () => {
    const { answer } = await answerFollowUp(snapshot, runtime, LAVROV_HEZBOLLAH, 'and the Houthis?');
    expect(answer.answered).toBe(false);
    expect(answer.citations).toEqual([]);
    expect(answer.searchedFor).toBe('What did Lavrov say about Houthis?');
  });
});

// The figures README reports (npm run eval -- --followups), as floors.
describe('eval on the follow-up pairs', () => {
  it('eval/followups.jsonl: hit@3 ≥ 11/13, answer ≥ 11/13, rejected 4/4, wrongly rejected ≤ 1/13; each better than the follow-up asked alone', async () => {
    const pairs = await loadQuestions('eval/followups.jsonl');
    expect(pairs.every((p) => typeof p.followUp === 'string')).toBe(true);
    const { summary } = await evaluate(snapshot, runtime, pairs);
    expect(summary).toMatchObject({ questions: 17, inCorpus: 13, outOfCorpus: 4 });
    const count = (share: number) => Math.round(share * 13);
    expect(count(summary.hitAt3)).toBeGreaterThanOrEqual(11);
    expect(count(summary.answerInTop3)).toBeGreaterThanOrEqual(11);
    expect(summary.outOfCorpusRejected).toBe(4);
    expect(summary.inCorpusRejected).toBeLessThanOrEqual(1);

    const alone = (await evaluate(snapshot, runtime, pairs.map(({ followUp, ...p }) => ({ ...p, q: followUp! })))).summary;
    expect(summary.hitAt3).toBeGreaterThan(alone.hitAt3);
    expect(summary.inCorpusRejected).toBeLessThan(alone.inCorpusRejected);
  });
});

describe('npm run ask -- --after', () => {
  it('answers the follow-up in the context of the earlier question; --after with --batch is a usage error', async () => {
    const { corpusDir, indexDir } = await tempCorpus('after-');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d', INDEX_DIR: indexDir, CORPUS_DIR: corpusDir },
        timeout: 60_000,
      });
    const answered = run(['--json', '--after', LAVROV_HEZBOLLAH, 'and hamas?']);
    expect(answered.status).toBe(0);
    const answer = JSON.parse(answered.stdout);
    expect(answer).toMatchObject({ question: 'and hamas?', searchedFor: 'What did Lavrov say about hamas?', answered: true });
    const refused = run(['--after', LAVROV_HEZBOLLAH, '--batch', '-']);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/--after/);
    const empty = run(['--after', '  ', 'and hamas?']);
    expect(empty.status).toBe(2);
  });
});
