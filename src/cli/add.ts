import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { describeAdd } from '../app/corpus-change-text.js';
import { uploadSettingsFromEnv } from '../app/upload-settings.js';
import { formatBytes } from '../corpus/article-file.js';
import { ArticleInputError, MAX_TITLE_CHARS, type RefusedUpload, type Upload } from '../corpus/add-article.js';
import { cliCommand, exitOnFailure, parseOrExit, usageError } from './common.js';
import { openCorpusUpdates, PLAIN_STYLE, withCorpusFlags } from './corpus-cli.js';
import { stderrProgress } from './progress.js';

const command = withCorpusFlags(cliCommand('add', 'Add articles (.txt, .md or .html files) to the corpus and index them.'))
  .argument('<file...>', 'article files')
  .option('--title <text>', 'the title, for a single file that has none');
parseOrExit(command);

const files = command.args;
const { title, ...flags } = command.opts<{ title?: string; index?: string; corpus?: string }>();
if (title !== undefined && files.length > 1) usageError('--title can only be given with a single file.');
if (title !== undefined && title.length > MAX_TITLE_CHARS) usageError(`--title must be at most ${MAX_TITLE_CHARS} characters.`);

try {
  const { maxUploadBytes } = uploadSettingsFromEnv();
  const uploads: Upload[] = [];
  const unread: RefusedUpload[] = [];
  for (const file of files) {
    const read = await readUpload(file, maxUploadBytes);
    if ('reason' in read) unread.push({ name: file, reason: read.reason });
    else uploads.push({ name: path.basename(file), bytes: read.bytes });
  }
  let failed = unread.length > 0;
  if (uploads.length > 0) {
    const { updates } = await openCorpusUpdates(flags);
    const progress = stderrProgress();
    const outcome = await updates.add(uploads, { title, onProgress: progress.update });
    progress.stop();
    process.stdout.write(`${describeAdd(outcome, unread, PLAIN_STYLE)}\n`);
    failed ||= outcome.refused.length > 0 || outcome.rebuildError !== undefined;
  } else {
    process.stdout.write(`${describeAdd({ added: [], refused: [] }, unread, PLAIN_STYLE)}\n`);
  }
  process.exit(failed ? 1 : 0);
} catch (err) {
  if (err instanceof ArticleInputError) usageError(err.message);
  exitOnFailure(err);
}

/**
 * A local file's bytes, never more than the upload limit: it must be a regular file (a named pipe would block,
 * a device never end), and one larger than the limit is refused from its size alone.
 */
async function readUpload(file: string, maxBytes: number): Promise<{ bytes: Buffer } | { reason: string }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: `"${file}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}.` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { reason: `"${file}" is not a regular file.` };
    if (info.size > maxBytes) return { reason: `"${file}" is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} upload limit (MAX_UPLOAD_BYTES).` };
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return { bytes: buffer.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}
