import { openRuntime } from '../app/runtime.js';
import { baseCommand, exitOnFailure, parseOrExit, settingsFromFlags, stderrLine, type CoreFlags } from './common.js';
import { describeSummary } from '../index/summary.js';
import { stderrProgress } from './progress.js';

const command = baseCommand('index', 'Build or update the search index from the corpus (only changed articles are re-embedded).');
parseOrExit(command);

try {
  const settings = settingsFromFlags(command.opts<CoreFlags>());
  const { index } = await openRuntime(settings, stderrLine);
  const progress = stderrProgress();
  const summary = await index.rebuild(progress.update);
  progress.stop();
  process.stdout.write(`${describeSummary(summary)}\n`);
} catch (err) {
  exitOnFailure(err);
}
