import { randomBytes } from 'node:crypto';
import { link, open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** How many numbered names (`stem-2` … ) are tried before giving up: far more than any title repeats. */
const MAX_SUFFIX = 1000;

/**
 * Writes `content` into `dir` as `<stem><ext>`, or `<stem>-2<ext>`, `<stem>-3<ext>`… when that name is taken (by
 * any extension: `x.txt` and `x.md` would read as one story in citations), and returns the name used.
 *
 * Atomic and never overwriting: the content is written and flushed to a hidden temp file first (which neither
 * the loader nor the watcher reads: it ends in .tmp), then hard-linked to its name. link() fails when the name
 * exists, unlike rename(), so a file that appears meanwhile is never replaced, and a reader sees the article
 * either complete or not at all.
 */
export async function writeNewFile(dir: string, stem: string, ext: string, content: string): Promise<string> {
  const temp = path.join(dir, `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    const taken = new Set((await readdir(dir)).map((name) => path.parse(name).name.toLowerCase()));
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const candidate = n === 1 ? stem : `${stem}-${n}`;
      if (taken.has(candidate.toLowerCase())) continue;
      try {
        await link(temp, path.join(dir, `${candidate}${ext}`));
        return `${candidate}${ext}`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    throw new Error(`no free file name for ${stem}${ext} in ${dir}`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}
