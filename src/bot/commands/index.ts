import type { BotCommand } from '../context.js';
import { addCommand } from './add.js';
import { askCommand } from './ask.js';
import { feedbackCommand } from './feedback.js';
import { helpCommand } from './help.js';
import { reindexCommand } from './reindex.js';
import { removeCommand } from './remove.js';
import { settingsCommand } from './settings.js';
import { sourcesCommand } from './sources.js';
import { timelineCommand } from './timeline.js';

/** Every slash command the bot registers and answers. */
export const COMMANDS: readonly BotCommand[] = [askCommand, timelineCommand, sourcesCommand, helpCommand, reindexCommand, addCommand, removeCommand, feedbackCommand, settingsCommand];
