import 'dotenv/config';
import { settingsTable } from '../settings/settings-table.js';
import { SettingsStore } from '../settings/settings-store.js';
import { cliCommand, exitOnFailure, parseOrExit, stderrLine } from './common.js';
import { databaseFileOrExit, openExistingDatabase } from './database-file.js';

interface SettingsFlags {
  json?: boolean;
  database?: string;
}

const command = cliCommand('settings', 'The per-channel settings moderators chose with /settings, on every server.')
  .option('--json', 'print one JSON object: {"settings": [{guildId, channelId, mode, citations, threads, updatedBy, updatedAt}]}')
  .option('--database <file>', 'the database (env DATABASE_PATH, default .data/newsdesk.sqlite)');
parseOrExit(command);
const flags = command.opts<SettingsFlags>();

const file = databaseFileOrExit(flags.database);

try {
  const database = openExistingDatabase(file, `No database at ${file} yet: the bot creates it when it first starts.`);
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
