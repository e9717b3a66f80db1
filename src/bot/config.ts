import { uploadSettingsFromEnv, type UploadSettings } from '../app/upload-settings.js';
import { ConfigError, coreSettingsFromEnv, databasePathFromEnv, databasePathProblem, wholeNumber, type CoreSettings } from '../app/settings.js';

export { ConfigError };

export interface BotConfig {
  token: string;
  /** Register commands on this server only (instant), instead of globally (up to an hour to appear). */
  guildId: string | null;
  moderatorRoleIds: string[];
  /** Channels where every message is a question; needs the privileged Message Content intent. */
  answerChannelIds: string[];
  rateLimit: { questions: number; windowSeconds: number };
  maxQuestionChars: number;
  logLevel: string;
  /** The feedback database file (answers, votes). */
  databasePath: string;
  core: CoreSettings;
  /** MAX_UPLOAD_BYTES and WATCH_CORPUS. */
  uploads: UploadSettings;
}

const SNOWFLAKE = /^\d{17,20}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Discord members' questions are shorter than the command line's: a chat message, not a pasted paragraph. */
export const MAX_QUESTION_CHARS = 500;

export function loadBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const token = env.DISCORD_TOKEN?.trim();
  if (!token) throw new ConfigError('DISCORD_TOKEN is not set: put the bot token from the Discord developer portal in .env (see .env.example).');
  if (/\s/.test(token)) throw new ConfigError('DISCORD_TOKEN is malformed: it contains white space.');
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);
  const databasePath = databasePathFromEnv(env);
  const databaseProblem = databasePathProblem(databasePath);
  if (databaseProblem) throw new ConfigError(databaseProblem);
  return {
    token,
    guildId: optionalSnowflake(env, 'DISCORD_GUILD_ID'),
    moderatorRoleIds: snowflakeList(env, 'MODERATOR_ROLE_IDS'),
    answerChannelIds: snowflakeList(env, 'ANSWER_CHANNEL_IDS'),
    rateLimit: {
      questions: wholeNumber(env, 'RATE_LIMIT_QUESTIONS', 5, 1, 1000),
      windowSeconds: wholeNumber(env, 'RATE_LIMIT_WINDOW_SECONDS', 30, 1, 86_400),
    },
    maxQuestionChars: MAX_QUESTION_CHARS,
    logLevel,
    databasePath,
    core: coreSettingsFromEnv(env),
    uploads: uploadSettingsFromEnv(env),
  };
}

function optionalSnowflake(env: NodeJS.ProcessEnv, name: string): string | null {
  const value = env[name]?.trim();
  if (!value) return null;
  if (!SNOWFLAKE.test(value)) throw new ConfigError(`${name} must be a Discord ID (17–20 digits).`);
  return value;
}

function snowflakeList(env: NodeJS.ProcessEnv, name: string): string[] {
  const items = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (items.some((id) => !SNOWFLAKE.test(id))) throw new ConfigError(`${name} must be a comma-separated list of Discord IDs (17–20 digits each).`);
  return items;
}
