import path from 'node:path';
import { answerQuestion, type Answer, type AnswerModels } from '../answer/answer.js';
import { answerFollowUp } from '../answer/follow-up.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { RetrievalMode } from '../search/retrieve.js';
import type { EvalQuestion } from './questions.js';

/**
 * ok: in-corpus question with a right article in the top 3, or out-of-corpus question rejected.
 * wrong: answered, but with no right article in the top 3 (or an out-of-corpus question answered).
 * missed: an in-corpus question rejected as not in the corpus.
 */
export type Outcome = 'ok' | 'wrong' | 'missed';

export interface QuestionResult {
  question: EvalQuestion;
  answer: Answer;
  outcome: Outcome;
  /** 1-based rank of the first citation from a right article, null if none. */
  rank: number | null;
  answerInExcerpts: boolean;
}

export interface EvalSummary {
  mode: RetrievalMode;
  questions: number;
  inCorpus: number;
  outOfCorpus: number;
  hitAt1: number;
  hitAt3: number;
  mrr: number;
  /** Share of in-corpus questions whose top-3 excerpts contain one of the expected answer strings. */
  answerInTop3: number;
  /** Out-of-corpus questions answered "not in the corpus", as a count. */
  outOfCorpusRejected: number;
  /** In-corpus questions wrongly answered "not in the corpus", as a count. */
  inCorpusRejected: number;
}

const TOP = 3;

/** Scores the same answer path the CLI and the bot use. */
export async function evaluate(
  snapshot: IndexSnapshot,
  models: AnswerModels,
  questions: EvalQuestion[],
  mode: RetrievalMode = 'hybrid',
  k = TOP,
): Promise<{ results: QuestionResult[]; summary: EvalSummary }> {
  const results: QuestionResult[] = [];
  for (const question of questions) {
    const answer =
      question.followUp === undefined
        ? await answerQuestion(snapshot, models, question.q, { k, mode })
        : (await answerFollowUp(snapshot, models, question.q, question.followUp, { k, mode })).answer;
    results.push(score(question, answer));
  }
  return { results, summary: summarise(results, mode) };
}

function score(question: EvalQuestion, answer: Answer): QuestionResult {
  const inCorpus = question.docs.length > 0;
  const matches = (source: string) => question.docs.some((prefix) => path.basename(source).startsWith(prefix));
  const index = answer.citations.findIndex((c) => matches(c.source));
  const rank = index >= 0 ? index + 1 : null;
  const text = answer.citations.map((c) => c.excerpt.toLowerCase()).join('\n');
  const answerInExcerpts = question.answer.some((a) => text.includes(a.toLowerCase()));
  let outcome: Outcome;
  if (!inCorpus) outcome = answer.answered ? 'wrong' : 'ok';
  else if (!answer.answered) outcome = 'missed';
  else outcome = rank !== null && rank <= TOP ? 'ok' : 'wrong';
  return { question, answer, outcome, rank, answerInExcerpts };
}

function summarise(results: QuestionResult[], mode: RetrievalMode): EvalSummary {
  const inCorpus = results.filter((r) => r.question.docs.length > 0);
  const outOfCorpus = results.filter((r) => r.question.docs.length === 0);
  const share = (n: number) => (inCorpus.length ? round3(n / inCorpus.length) : 0);
  return {
    mode,
    questions: results.length,
    inCorpus: inCorpus.length,
    outOfCorpus: outOfCorpus.length,
    hitAt1: share(inCorpus.filter((r) => r.rank === 1).length),
    hitAt3: share(inCorpus.filter((r) => r.rank !== null && r.rank <= TOP).length),
    mrr: share(inCorpus.reduce((sum, r) => sum + (r.rank ? 1 / r.rank : 0), 0)),
    answerInTop3: share(inCorpus.filter((r) => r.answerInExcerpts).length),
    outOfCorpusRejected: outOfCorpus.filter((r) => !r.answer.answered).length,
    inCorpusRejected: inCorpus.filter((r) => !r.answer.answered).length,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
