import { DEFAULT_MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES_CEILING } from '../corpus/add-article.js';
import { ConfigError, wholeNumber } from './settings.js';

/** How articles may reach the corpus while the bot runs: the upload limit (bot and CLI) and the folder watch. */
export interface UploadSettings {
  /** Files added with /add or `npm run add` larger than this are refused. */
  maxUploadBytes: number;
  /** Whether the bot watches the corpus folder and updates the index when files change there. */
  watchCorpus: boolean;
}

export function uploadSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadSettings {
  return {
    maxUploadBytes: wholeNumber(env, 'MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, 1, MAX_UPLOAD_BYTES_CEILING),
    watchCorpus: yesNo(env, 'WATCH_CORPUS', true),
  };
}

function yesNo(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  throw new ConfigError(`${name} must be true or false.`);
}
