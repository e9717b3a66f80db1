import { existsSync } from 'node:fs';
import 'dotenv/config';
import { databasePathFromEnv, databasePathProblem } from '../app/settings.js';
import { FeedbackStore } from '../feedback/feedback-store.js';
import { settingsTable } from '../settings/settings-table.js';
import { SettingsStore } from '../settings/settings-store.js';
import { cliCommand, exitOnFailure, parseOrExit, stderrLine, usageError } from './common.js';

interface SettingsFlags {
  json?: boolean;
  database?: string;
}

const command = cliCommand('settings', 'The per-channel settings moderators chose with /settings, on every server.')
  .option('--json', 'print one JSON object: {"settings": [{guildId, channelId, mode, citations, threads, updatedBy, updatedAt}]}')
  .option('--database <file>', 'the database (env DATABASE_PATH, default .data/newsdesk.sqlite)');
parseOrExit(command);
const flags = command.opts<SettingsFlags>();

const file = flags.database ?? databasePathFromEnv();
const problem = databasePathProblem(file);
if (problem) usageError(flags.database ? problem.replace('DATABASE_PATH', '--database') : problem);

try {
  // Listing must not create the database: a mistyped path would otherwise look like "no settings" forever.
  const exists = existsSync(file);
  if (!exists) stderrLine(`No database at ${file} yet: the bot creates it when it first starts.`);
  const database = new FeedbackStore(exists ? file : ':memory:');
  const listed = new SettingsStore(database).list(null);
  database.close();
  if (!listed.ok) {
    stderrLine(`error: ${listed.problem.message}`);
    process.exit(1);
  }
  process.stdout.write(flags.json ? `${JSON.stringify({ settings: listed.value })}\n` : `${settingsTable(listed.value).join('\n')}\n`);
} catch (err) {
  exitOnFailure(err);
}
