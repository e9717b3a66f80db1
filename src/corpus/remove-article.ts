import { lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ArticleInputError, shown } from './add-article.js';
import { isArticleFileName } from './loader.js';

/** The article files in the corpus folder, by name, sorted (what /remove offers and accepts). */
export async function listArticleFiles(corpusDir: string): Promise<string[]> {
  return (await readdir(corpusDir)).filter(isArticleFileName).sort();
}

/**
 * Removes one article from the corpus folder by its file name exactly as listed (`/sources`, autocomplete), never
 * by a path: the name must be one of the folder's own entries, so nothing outside it can be named. A symbolic link
 * is removed itself, never what it points to. Throws ArticleInputError with one sentence when it cannot.
 */
export async function removeArticle(corpusDir: string, name: string): Promise<string> {
  await assertRemovable(corpusDir, name);
  try {
    await unlink(path.join(corpusDir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ArticleInputError(`There is no article ${shown(name)} in the corpus.`);
    throw err;
  }
  return name;
}

/** Throws ArticleInputError (one sentence) unless `name` is an article file the corpus folder lists. */
export async function assertRemovable(corpusDir: string, name: string): Promise<void> {
  if (/[/\\]/.test(name)) throw new ArticleInputError(`${shown(name)} is a path; give the article's file name as /sources lists it.`);
  if (/\p{Cc}/u.test(name)) throw new ArticleInputError(`${shown(name)} has control characters in it; no article is named that.`);
  if (!isArticleFileName(name)) throw new ArticleInputError(`${shown(name)} is not an article file (.txt or .md).`);
  if (!(await listArticleFiles(corpusDir)).includes(name)) {
    throw new ArticleInputError(`There is no article ${shown(name)} in the corpus.`);
  }
  if ((await lstat(path.join(corpusDir, name))).isDirectory()) throw new ArticleInputError(`${shown(name)} is a folder, not an article.`);
}
