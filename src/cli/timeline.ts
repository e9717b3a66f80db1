import { QuestionError } from '../answer/question.js';
import { formatTimelineText } from '../timeline/format-timeline.js';
import { buildTimeline, dateRangeFromOptions, validateTopic } from '../timeline/timeline.js';
import { USAGE_ERROR, baseCommand, exitOnFailure, parseOrExit, settingsFromFlags, stderrLine, type CoreFlags } from './common.js';
import { openIndexForCli } from './progress.js';

interface TimelineFlags extends CoreFlags {
  json?: boolean;
  from?: string;
  to?: string;
}

const command = baseCommand('timeline', 'The articles about a topic in date order, one line each.')
  .argument('[topic...]', 'the topic (quote it, or pass the words); dates in it restrict the articles')
  .option('--json', 'print one JSON object on stdout')
  .option('--from <date>', 'only articles dated on or after this date (2024-03-01, March 2024, 2024)')
  .option('--to <date>', 'only articles dated on or before this date');
parseOrExit(command);
const flags = command.opts<TimelineFlags>();

// Validate before loading the model: a usage error must not cost seconds.
let topic: string;
let range: ReturnType<typeof dateRangeFromOptions>;
try {
  topic = validateTopic(command.args.join(' '));
  range = dateRangeFromOptions(flags.from, flags.to);
} catch (err) {
  if (err instanceof QuestionError) {
    stderrLine(`error: ${err.message}`);
    process.exit(USAGE_ERROR);
  }
  exitOnFailure(err);
}

try {
  const { runtime, snapshot } = await openIndexForCli(settingsFromFlags(flags));
  const timeline = await buildTimeline(snapshot, runtime, topic, { range });
  process.stdout.write(flags.json ? `${JSON.stringify(timeline)}\n` : `${formatTimelineText(timeline)}\n`);
} catch (err) {
  exitOnFailure(err);
}
