import { Option } from 'commander';
import type { Answer } from '../answer/answer.js';
import { openRuntime } from '../app/runtime.js';
import { DISTRACTOR_SETS, prepareDistractorCorpus, type DistractorSet } from '../eval/distractors.js';
import { evaluate, type EvalSummary, type QuestionResult } from '../eval/evaluate.js';
import { loadQuestions } from '../eval/questions.js';
import type { RetrievalMode } from '../search/retrieve.js';
import { baseCommand, exitOnFailure, parseOrExit, settingsFromFlags, stderrLine, usageError, type CoreFlags } from './common.js';
import { stderrProgress } from './progress.js';

const QUESTIONS_FILE = 'eval/dev.jsonl';
const FOLLOW_UPS_FILE = 'eval/followups.jsonl';

interface EvalFlags extends CoreFlags {
  questions?: string;
  mode: RetrievalMode;
  json?: boolean;
  verbose?: boolean;
  distractors?: DistractorSet;
  followups?: boolean;
}

const command = baseCommand('eval', 'Score answer quality on a JSONL question file, through the same path as ask and the bot.')
  .option('--questions <file>', 'JSONL questions: {"q", "docs": [file prefixes], "answer": [strings], "followUp"?}')
  .option('--followups', `score follow-ups (default file ${FOLLOW_UPS_FILE}): each line's "followUp" read after its "q", as the bot reads a reply`)
  .addOption(new Option('--mode <mode>', 'retriever').choices(['hybrid', 'vector', 'bm25']).default('hybrid'))
  .addOption(new Option('--distractors <set>', 'add a distractor corpus to the seeds (index kept under .cache/distractors)').choices([...DISTRACTOR_SETS]))
  .option('--json', 'print the summary as JSON')
  .option('--verbose', 'per question: why it was answered or not, and which evidence each citation rests on');
parseOrExit(command);
const flags = command.opts<EvalFlags>();

try {
  const file = flags.questions ?? (flags.followups ? FOLLOW_UPS_FILE : QUESTIONS_FILE);
  const questions = await loadQuestions(file);
  if (flags.followups && questions.some((q) => q.followUp === undefined)) usageError(`${file}: with --followups every line needs a "followUp".`);
  const settings = settingsFromFlags(flags);
  if (flags.distractors) {
    const prepared = await prepareDistractorCorpus(flags.distractors, settings.corpusDir);
    settings.corpusDir = prepared.corpusDir;
    settings.indexDir = flags.index ?? prepared.indexDir;
  }
  const runtime = await openRuntime(settings, stderrLine);
  const progress = stderrProgress();
  const snapshot = await runtime.index.current(progress.update);
  progress.stop();
  const { results, summary } = await evaluate(snapshot, runtime, questions, flags.mode, flags.k);
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${formatReport(results, summary)}\n`);
} catch (err) {
  exitOnFailure(err);
}

/** Which class of evidence decided: the words and their shares, what the corpus and each citation matched them with. */
function explain(answer: Answer): string {
  const word = (w: { word: string; matched: string | null; kind: string | null }) =>
    w.kind === null ? `${w.word}:-` : w.kind === 'exact' ? w.word : `${w.word}→${w.matched}(${w.kind})`;
  const lines = [
    `       verdict:  ${answer.verdict}${answer.searchedFor ? ` · searched for: ${answer.searchedFor}` : ''}`,
    `       words:    ${answer.words.map((w) => `${word(w)} ${(w.share * 100).toFixed(0)}%`).join(', ')}`,
  ];
  for (const c of answer.citations) lines.push(`       [${c.n}] ${c.source.split('/').pop()}: ${c.evidence.map(word).join(', ')}`);
  return lines.join('\n');
}

function formatReport(results: QuestionResult[], summary: EvalSummary): string {
  const lines = results.map((r) => {
    const expected = r.question.docs.length ? r.question.docs.join(',') : 'not in corpus';
    const got = r.answer.answered
      ? r.answer.citations.map((c) => `${c.source.split('/').pop()} (${c.score.toFixed(3)})`).join(', ')
      : 'not in corpus';
    const asked = r.question.followUp === undefined ? r.question.q : `${r.question.q} → ${r.question.followUp}`;
    const line = `${r.outcome.padEnd(6)} ${asked}\n       expected: ${expected}\n       got:      ${got}`;
    return flags.verbose ? `${line}\n${explain(r.answer)}` : line;
  });
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  lines.push(
    '',
    `mode ${summary.mode}: ${summary.questions} questions (${summary.inCorpus} in corpus, ${summary.outOfCorpus} not)`,
    `hit@1 ${pct(summary.hitAt1)}  hit@3 ${pct(summary.hitAt3)}  MRR ${summary.mrr.toFixed(3)}  answer in top-3 excerpts ${pct(summary.answerInTop3)}`,
    `out-of-corpus rejected ${summary.outOfCorpusRejected}/${summary.outOfCorpus}  in-corpus wrongly rejected ${summary.inCorpusRejected}/${summary.inCorpus}`,
  );
  return lines.join('\n');
}
