/**
 * A second process using the feedback database, for the store tests: what a second bot process (or one running as
 * another user) would do. Prints one JSON object on stdout.
 *
 *   node --import tsx tests/helpers/feedback-child.ts '{"mode":"vote","file":…,"answerId":…,"users":"p2-","count":50}'
 *   node --import tsx tests/helpers/feedback-child.ts '{"mode":"answer","file":…}'
 *   node --import tsx tests/helpers/feedback-child.ts '{"mode":"probe","file":…,"answerId":…}'
 */
import { FeedbackStore } from '../../src/feedback/feedback-store.js';

interface ChildRequest {
  mode: 'vote' | 'answer' | 'probe';
  file: string;
  answerId?: string;
  guildId?: string | null;
  users?: string;
  count?: number;
}

const request = JSON.parse(process.argv[2]) as ChildRequest;
const problems: string[] = [];
const store = new FeedbackStore(request.file, { onProblem: (p) => problems.push(p.message) });
const guildId = request.guildId ?? null;
let result: unknown;
if (request.mode === 'vote') {
  const statuses: string[] = [];
  for (let i = 0; i < (request.count ?? 1); i++) {
    statuses.push(store.vote(request.answerId!, `${request.users ?? 'child-'}${i}`, guildId, i % 2 ? -1 : 1).status);
  }
  result = { statuses };
} else if (request.mode === 'answer') {
  const recorded = store.recordAnswer({ question: 'from the child', answered: false, sources: [], userId: 'child', guildId, channelId: null });
  result = recorded.ok ? { id: recorded.value } : { problem: recorded.problem.message };
} else {
  // What a process that may not write the file can still do: read the counts, and fail (cleanly) to vote.
  const counts = store.counts(request.answerId!);
  const vote = store.vote(request.answerId!, 'probe-user', guildId, 1);
  const answer = store.recordAnswer({ question: 'probe', answered: false, sources: [], userId: 'probe-user', guildId, channelId: null });
  result = {
    counts: counts.ok ? counts.value : { problem: counts.problem.message },
    vote: vote.status === 'unavailable' ? { status: vote.status, problem: vote.problem.message } : vote,
    answer: answer.ok ? { id: answer.value } : { problem: answer.problem.message },
  };
}
store.close();
process.stdout.write(`${JSON.stringify({ ...(result as object), problems })}\n`);
