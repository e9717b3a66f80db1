import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import 'dotenv/config';
import { coreSettingsFromEnv, type CoreSettings } from '../app/settings.js';

/** Exit code for a usage error: bad flag, bad value, empty or over-long question. */
export const USAGE_ERROR = 2;

export interface CoreFlags {
  index?: string;
  corpus?: string;
  k: number;
}

export function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}.`);
    return n;
  };
}

/** A command whose usage errors are one line and exit 2. */
export function cliCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.split('\n')[0] + '\n') });
}

/** A command with the corpus, index and citation flags every answering CLI shares. */
export function baseCommand(name: string, description: string): Command {
  return cliCommand(name, description)
    .addOption(new Option('--index <dir>', 'index folder (env INDEX_DIR, default embeddings)'))
    .addOption(new Option('--corpus <dir>', 'corpus folder (env CORPUS_DIR, default corpus)'))
    .addOption(new Option('-k <n>', 'number of citations').argParser(positiveInt(20)).default(3));
}

/** Parses argv; a usage error prints commander's one-line message and exits 2, --help exits 0. */
export function parseOrExit(command: Command, argv: string[] = process.argv): void {
  try {
    command.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : USAGE_ERROR);
    }
    throw err;
  }
}

export function settingsFromFlags(flags: CoreFlags): CoreSettings {
  const env = coreSettingsFromEnv();
  return { ...env, corpusDir: flags.corpus ?? env.corpusDir, indexDir: flags.index ?? env.indexDir };
}

export function stderrLine(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A bad flag value or argument found after parsing: one line, exit 2. */
export function usageError(message: string): never {
  stderrLine(`error: ${message}`);
  process.exit(USAGE_ERROR);
}

/** Unexpected failures: one line for the user, the stack only when DEBUG is set. */
export function exitOnFailure(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  stderrLine(`error: ${message}`);
  if (process.env.DEBUG && err instanceof Error) stderrLine(err.stack ?? '');
  process.exit(1);
}
