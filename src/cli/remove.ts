import { describeRemove } from '../app/corpus-change-text.js';
import { ArticleInputError } from '../corpus/add-article.js';
import { cliCommand, exitOnFailure, parseOrExit, stderrLine } from './common.js';
import { openCorpusUpdates, PLAIN_STYLE, withCorpusFlags } from './corpus-cli.js';
import { stderrProgress } from './progress.js';

const command = withCorpusFlags(cliCommand('remove', 'Remove one article from the corpus (by its file name) and from the index.'))
  .argument('<source>', 'the article file name, as `npm run index` and /sources list it');
parseOrExit(command);

try {
  const { updates } = await openCorpusUpdates(command.opts<{ index?: string; corpus?: string }>());
  const progress = stderrProgress();
  const outcome = await updates.remove(command.args[0], { onProgress: progress.update });
  progress.stop();
  process.stdout.write(`${describeRemove(outcome, PLAIN_STYLE)}\n`);
  process.exit(outcome.rebuildError ? 1 : 0);
} catch (err) {
  if (err instanceof ArticleInputError) {
    stderrLine(`error: ${err.message}`);
    process.exit(1);
  }
  exitOnFailure(err);
}
