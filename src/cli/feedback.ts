import { existsSync } from 'node:fs';
import 'dotenv/config';
import { databasePathFromEnv, databasePathProblem } from '../app/settings.js';
import { FeedbackStore } from '../feedback/feedback-store.js';
import { DEFAULT_REPORT_DAYS, feedbackReport, MAX_REPORT_DAYS, reportLines } from '../feedback/report.js';
import { cliCommand, exitOnFailure, parseOrExit, positiveInt, stderrLine, usageError } from './common.js';

interface FeedbackFlags {
  days: number;
  json?: boolean;
  database?: string;
}

const command = cliCommand('feedback', 'Most down-voted answers and most frequent unanswered questions, from every server.')
  .option('--days <n>', `the last N days (1–${MAX_REPORT_DAYS})`, positiveInt(MAX_REPORT_DAYS), DEFAULT_REPORT_DAYS)
  .option('--json', 'print the report as one JSON object')
  .option('--database <file>', 'the feedback database (env DATABASE_PATH, default .data/newsdesk.sqlite)');
parseOrExit(command);
const flags = command.opts<FeedbackFlags>();

const file = flags.database ?? databasePathFromEnv();
const problem = databasePathProblem(file);
if (problem) usageError(flags.database ? problem.replace('DATABASE_PATH', '--database') : problem);

try {
  // A report must not create the database: a mistyped path would otherwise look like "no feedback yet" forever.
  const exists = existsSync(file);
  if (!exists) stderrLine(`No feedback database at ${file} yet: the bot creates it when it answers its first question.`);
  const store = new FeedbackStore(exists ? file : ':memory:');
  const report = feedbackReport(store, { days: flags.days, guildId: null });
  store.close();
  if (!report.ok) {
    stderrLine(`error: ${report.problem.message}`);
    process.exit(1);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(report.value)}\n` : `${reportLines(report.value).join('\n')}\n`);
} catch (err) {
  exitOnFailure(err);
}
