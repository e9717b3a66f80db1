import { loadQuestions, type EvalQuestion } from '../../src/eval/questions.js';

/**
 * The development questions: the project's eval/dev.jsonl, unless the team's shared set beside the project holds
 * more (while the project still carries the older, shorter copy).
 */
export async function devQuestions(): Promise<EvalQuestion[]> {
  const own = await loadQuestions('eval/dev.jsonl');
  const shared = await loadQuestions('../shared/eval/dev.jsonl').catch(() => []);
  return shared.length > own.length ? shared : own;
}
