import { Option, type Command } from 'commander';
import { CorpusUpdates } from '../app/corpus-updates.js';
import type { TextStyle } from '../app/corpus-change-text.js';
import { openRuntime } from '../app/runtime.js';
import type { CoreSettings } from '../app/settings.js';
import { uploadSettingsFromEnv } from '../app/upload-settings.js';
import { settingsFromFlags, stderrLine } from './common.js';

export const PLAIN_STYLE: TextStyle = { title: (title) => `"${title}"`, file: (file) => file, reindex: 'npm run index' };

/** The corpus and index flags of `add` and `remove`. */
export function withCorpusFlags(command: Command): Command {
  return command
    .addOption(new Option('--index <dir>', 'index folder (env INDEX_DIR, default embeddings)'))
    .addOption(new Option('--corpus <dir>', 'corpus folder (env CORPUS_DIR, default corpus)'));
}

/** The same CorpusUpdates the bot uses, over the settings of the environment and the flags; its log on stderr. */
export async function openCorpusUpdates(flags: { index?: string; corpus?: string }): Promise<{ updates: CorpusUpdates; settings: CoreSettings }> {
  const settings = settingsFromFlags({ ...flags, k: 1 });
  const uploads = uploadSettingsFromEnv();
  const runtime = await openRuntime(settings, stderrLine);
  const quiet = () => {};
  const updates = new CorpusUpdates({
    index: runtime.index,
    corpusDir: settings.corpusDir,
    maxUploadBytes: uploads.maxUploadBytes,
    maxArticleBytes: settings.maxArticleBytes,
    // The outcome is printed on stdout; the bot's structured log lines would only repeat it.
    log: { info: quiet, debug: quiet, warn: (_fields, message) => stderrLine(message), error: (_fields, message) => stderrLine(message) },
  });
  return { updates, settings };
}
