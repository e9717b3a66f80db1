import 'dotenv/config';
import { DEFAULT_REPORT_DAYS, feedbackReport, MAX_REPORT_DAYS, reportLines } from '../feedback/report.js';
import { cliCommand, exitOnFailure, parseOrExit, positiveInt, stderrLine } from './common.js';
import { databaseFileOrExit, openExistingDatabase } from './database-file.js';

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

const file = databaseFileOrExit(flags.database);

try {
  const store = openExistingDatabase(file, `No feedback database at ${file} yet: the bot creates it when it answers its first question.`);
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
