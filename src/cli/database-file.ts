import { existsSync } from 'node:fs';
import { databasePathFromEnv, databasePathProblem } from '../app/settings.js';
import { FeedbackStore } from '../feedback/feedback-store.js';
import { stderrLine, usageError } from './common.js';

/** The database a command reads: `--database FILE`, else DATABASE_PATH; a path that cannot be one is a usage error. */
export function databaseFileOrExit(flag: string | undefined): string {
  const file = flag ?? databasePathFromEnv();
  const problem = databasePathProblem(file);
  if (problem) usageError(flag ? problem.replace('DATABASE_PATH', '--database') : problem);
  return file;
}

/**
 * Opens the database for a report without ever creating it: a mistyped path would otherwise look like "nothing
 * recorded yet" forever. A missing file is said on stderr (`missing`) and read as an empty database.
 */
export function openExistingDatabase(file: string, missing: string): FeedbackStore {
  const exists = existsSync(file);
  if (!exists) stderrLine(missing);
  return new FeedbackStore(exists ? file : ':memory:');
}
