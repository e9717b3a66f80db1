import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import path from 'node:path';

/** The bytes of one article, or why it is not read (one phrase, safe to show to moderators). */
/** The file's bytes and its modification time as read (fstat of the open file), or why it cannot be read. */
export type ArticleBytes = { bytes: Buffer; mtimeMs: number } | { reason: string };

/*
 * The corpus folder is read by a long-running bot, so nothing in it may make indexing hang, eat memory or read
 * what is not an article: only regular files are read (a named pipe would block forever, /dev/zero never ends),
 * only files whose real path lies inside the corpus folder (a link to the project's .env once put the Discord
 * token into answers), and never more than the size limit, even if the file grows while it is read.
 */
export async function readArticleFile(fullPath: string, realCorpusDir: string, maxBytes: number): Promise<ArticleBytes> {
  let realPath: string;
  try {
    realPath = await realpath(fullPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { reason: `unreadable (${code ?? String(err)})` };
    // Listed a moment ago: either a dangling link, or the file was removed while the folder was being read.
    return { reason: (await lstat(fullPath).catch(() => null)) ? 'a link to nothing' : 'removed while the corpus was being read' };
  }
  // The target's path is left out of the reason: it may name private places, and moderators see skip reasons.
  if (!isInside(realCorpusDir, realPath)) return { reason: 'a link to a file outside the corpus folder' };

  let handle;
  try {
    // O_NOFOLLOW: the path was resolved above, so a link here means it was swapped in since. O_NONBLOCK: opening a
    // named pipe with no writer would otherwise wait forever; for regular files it changes nothing.
    handle = await open(realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return { reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    // fstat of the open file, not stat of the path: it describes exactly what will be read.
    const info = await handle.stat();
    if (!info.isFile()) return { reason: `${kindOf(info)}, not a regular file` };
    if (info.size > maxBytes) return { reason: tooLarge(info.size, maxBytes) };
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    // It grew past the limit after fstat: a file being written, or a device posing as a file.
    if (length > maxBytes) return { reason: tooLarge(length, maxBytes, 'at least ') };
    return { bytes: buffer.subarray(0, length), mtimeMs: info.mtimeMs };
  } catch (err) {
    return { reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  } finally {
    await handle.close();
  }
}

export function isInside(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}

function tooLarge(size: number, maxBytes: number, qualifier = ''): string {
  return `${qualifier}${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit (MAX_ARTICLE_BYTES)`;
}

/** "31.5 MiB (33,030,144 bytes)": readable, and exact for whoever compares it with the setting. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  const readable = mib >= 0.1 ? `${mib.toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
  return `${readable} (${bytes.toLocaleString('en-US')} bytes)`;
}
