import { answerQuestion, type AnswerModels, type AnswerTimings } from '../answer/answer.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { distribution, type Distribution } from './percentiles.js';

export interface LatencyFigures {
  questions: number;
  repeat: number;
  /** Sum of the stages answerQuestion reports: what `ms` in an answer measures. */
  total: Distribution;
  /**
   * The first pass, kept out of the percentiles: each question asked once on a snapshot not asked before. It pays
   * for anything the answer path computes lazily and keeps (per-article or per-word caches), which the warm figures
   * hide because the same questions come back, and, in the first snapshot measured in a process, for JIT compilation.
   */
  firstPass: Distribution;
  /** One distribution per field of AnswerTimings (embedMs, searchMs, formatMs, … whatever answerQuestion fills). */
  stages: Record<string, Distribution>;
}

/** Answers given before timing starts (first pass included); V8 needs on the order of a hundred calls to optimise. */
const WARM_UP_ANSWERS = 120;

/**
 * Warm retrieval latency through the real answer path (hybrid mode, k 3). The first pass is reported apart: the
 * first calls pay for JIT compilation and lazily built structures, which a bot answering all day pays once.
 * Questions are asked round-robin rather than each `repeat` times in a row, so no question is only ever
 * measured with its own data hot in the caches.
 */
export async function measureLatency(
  snapshot: IndexSnapshot,
  models: AnswerModels,
  questions: readonly string[],
  repeat: number,
): Promise<LatencyFigures> {
  const firstPass: number[] = [];
  for (const q of questions) firstPass.push((await timedAnswer(snapshot, models, q)).total);
  // Then untimed passes until the hot functions are optimised, so "warm" is the steady state of a running bot
  // rather than whatever JIT tier the code happens to be in after a dozen calls.
  for (let n = questions.length; n < WARM_UP_ANSWERS; n += questions.length) for (const q of questions) await answerQuestion(snapshot, models, q);
  const totals: number[] = [];
  const stages = new Map<string, number[]>();
  for (let r = 0; r < repeat; r++) {
    for (const q of questions) {
      const { total, timings } = await timedAnswer(snapshot, models, q);
      totals.push(total);
      for (const [name, value] of Object.entries(timings)) {
        const list = stages.get(name) ?? [];
        list.push(value);
        stages.set(name, list);
      }
    }
  }
  return {
    questions: questions.length,
    repeat,
    total: distribution(totals),
    firstPass: distribution(firstPass),
    stages: Object.fromEntries([...stages].map(([name, values]) => [name, distribution(values)])),
  };
}

/** One answer with its stage timings; the total is their sum (what `ms` measures), or wall time if none came. */
async function timedAnswer(snapshot: IndexSnapshot, models: AnswerModels, question: string) {
  // Filled by answerQuestion; read generically so added or renamed stages still show up.
  const filled = {} as AnswerTimings;
  const started = performance.now();
  await answerQuestion(snapshot, models, question, { timings: filled });
  const wall = performance.now() - started;
  const timings = Object.fromEntries(Object.entries(filled).filter((e): e is [string, number] => typeof e[1] === 'number'));
  const sum = Object.values(timings).reduce((a, b) => a + b, 0);
  return { total: sum > 0 ? sum : wall, timings };
}
