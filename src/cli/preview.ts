import { writeFile } from 'node:fs/promises';
import { answerQuestion } from '../answer/answer.js';
import { QuestionError } from '../answer/question.js';
import { openRuntime } from '../app/runtime.js';
import { prepareQuestion } from '../bot/ask-flow.js';
import { MAX_QUESTION_CHARS } from '../bot/config.js';
import { answerMessage } from '../bot/answer-message.js';
import { previewPage } from '../preview/page.js';
import { visibleLength } from '../preview/visible-text.js';
import { USAGE_ERROR, baseCommand, exitOnFailure, parseOrExit, settingsFromFlags, stderrLine, type CoreFlags } from './common.js';
import { stderrProgress } from './progress.js';

/** Stands in for the id the feedback database would give the answer; it only goes into the buttons' custom ids. */
const PREVIEW_ANSWER_ID = 'previewonly0';

interface PreviewFlags extends CoreFlags {
  out: string;
  mention?: boolean;
}

const command = baseCommand('preview', 'Write an HTML page showing the bot’s reply to a question as Discord lays it out.')
  .argument('[question...]', 'the question (quote it, or pass the words)')
  .option('--out <file>', 'where to write the page', 'answer-preview.html')
  .option('--mention', 'show the reply to a mention rather than to /ask');
parseOrExit(command);

const flags = command.opts<PreviewFlags>();
let question: string;
try {
  // Read as the bot reads a member's question, so the page shows what the bot would send.
  question = prepareQuestion(command.args.join(' '), MAX_QUESTION_CHARS);
} catch (err) {
  if (!(err instanceof QuestionError)) exitOnFailure(err);
  stderrLine(`error: ${err.message}`);
  process.exit(USAGE_ERROR);
}

try {
  const runtime = await openRuntime(settingsFromFlags(flags), stderrLine);
  const progress = stderrProgress();
  const snapshot = await runtime.index.current(progress.update);
  progress.stop();
  const answer = await answerQuestion(snapshot, runtime, question, { k: flags.k });
  // Exactly what /ask (question echoed) or a mention reply sends, buttons included (their ids are never shown).
  const reply = answerMessage(answer, { showQuestion: !flags.mention }, { answerId: PREVIEW_ANSWER_ID, k: flags.k });
  const length = visibleLength(reply);
  const embeds = reply.embeds.length === 1 ? '1 embed' : `${reply.embeds.length} embeds`;
  const caption = `Preview: ${length} characters of visible text, ${embeds}.`;
  await writeFile(flags.out, previewPage({ reply, question, via: flags.mention ? 'mention' : 'slash', botName: 'Newsdesk', userName: 'reader', caption }));
  process.stdout.write(`${flags.out}\n`);
  stderrLine(caption);
} catch (err) {
  exitOnFailure(err);
}
