import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import { answerQuestion, type Answer } from '../answer/answer.js';
import { answerFollowUp } from '../answer/follow-up.js';
import { formatAnswerText } from '../answer/format-text.js';
import { QuestionError, validateQuestion } from '../answer/question.js';
import type { RetrievalMode } from '../search/retrieve.js';
import { baseCommand, exitOnFailure, parseOrExit, settingsFromFlags, stderrLine, usageError, type CoreFlags } from './common.js';
import { openIndexForCli } from './progress.js';

/** The CLI accepts longer questions than Discord (500): scripts paste whole sentences from articles. */
export const MAX_CLI_QUESTION_CHARS = 1000;

interface AskFlags extends CoreFlags {
  json?: boolean;
  batch?: string;
  after?: string;
  mode: RetrievalMode;
}

const command = baseCommand('ask', 'Answer a question from the corpus with cited excerpts.')
  .argument('[question...]', 'the question (quote it, or pass the words)')
  .option('--json', 'print one JSON object per question on stdout')
  .option('--batch <file>', 'answer one question per line of FILE (- for stdin), loading the model once')
  .option('--after <question>', 'read the question as a follow-up to this earlier one, as the bot reads a reply to its answer')
  .addOption(new Option('--mode <mode>', 'retriever').choices(['hybrid', 'vector', 'bm25']).default('hybrid'));
parseOrExit(command);

const flags = command.opts<AskFlags>();
const words = command.args;
if (flags.batch && words.length) usageError('give either a question or --batch, not both.');
if (flags.batch && flags.after !== undefined) usageError('--after takes one follow-up question, not --batch.');

// Validate before loading the model: a usage error must not cost seconds.
let questions: string[];
let earlier: string | null = null;
try {
  if (flags.after !== undefined) earlier = validateQuestion(flags.after, MAX_CLI_QUESTION_CHARS);
  questions = flags.batch ? await readBatch(flags.batch) : [validateQuestion(words.join(' '), MAX_CLI_QUESTION_CHARS)];
} catch (err) {
  if (err instanceof QuestionError) usageError(err.message);
  exitOnFailure(err);
}

try {
  const { runtime, snapshot } = await openIndexForCli(settingsFromFlags(flags));
  for (const raw of questions) {
    let answer: Answer | { question: string; error: string };
    try {
      const question = validateQuestion(raw, MAX_CLI_QUESTION_CHARS);
      const options = { k: flags.k, mode: flags.mode };
      answer = earlier
        ? (await answerFollowUp(snapshot, runtime, earlier, question, options)).answer
        : await answerQuestion(snapshot, runtime, question, options);
    } catch (err) {
      // In a batch one bad line gets an error object in its place, so output lines still match input lines.
      if (!(err instanceof QuestionError) || !flags.batch) throw err;
      answer = { question: raw, error: err.message };
    }
    process.stdout.write(render(answer));
  }
} catch (err) {
  exitOnFailure(err);
}

function render(answer: Answer | { question: string; error: string }): string {
  if (flags.json) return `${JSON.stringify(answer)}\n`;
  if ('error' in answer) return `Q: ${answer.question}\n\nerror: ${answer.error}\n\n`;
  return `${formatAnswerText(answer)}\n\n`;
}

async function readBatch(file: string): Promise<string[]> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    usageError(`cannot read ${file} (${err.code ?? err.message}).`);
  });
  // Every line gets an output line, a blank one an error object, so output line n answers input line n; only the
  // empty string after a final newline is not a line.
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
