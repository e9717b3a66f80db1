import { createHash } from 'node:crypto';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { readArticleFile } from './article-file.js';
import type { CorpusDocument, SkippedFile } from './document.js';
import { deriveMetadata } from './metadata.js';

const ARTICLE_EXTENSIONS = new Set(['.txt', '.md']);

/** Whether the loader reads a file of this name as an article (.txt or .md, any case). */
export function isArticleFileName(name: string): boolean {
  return ARTICLE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

/** A news article is tens of kilobytes; a few megabytes is already a book, and larger files are skipped. */
export const DEFAULT_MAX_ARTICLE_BYTES = 4 * 1024 * 1024;
/** The largest limit accepted: the whole file is held in memory and chunked at once. */
export const MAX_ARTICLE_BYTES_CEILING = 256 * 1024 * 1024;

export interface CorpusReadOptions {
  /** Files larger than this are skipped with a warning naming them and their size. */
  maxArticleBytes?: number;
}

export interface LoadedCorpus {
  documents: CorpusDocument[];
  skipped: SkippedFile[];
}

/**
 * Reads every .txt/.md article in `dir` (not recursive), sorted by file name. A file that cannot be read, is not
 * a regular file inside `dir`, is over the size limit, looks binary or holds no text is skipped and reported, so
 * one bad file never stops indexing.
 */
export async function loadCorpus(
  dir: string,
  warn: (message: string) => void = () => {},
  options: CorpusReadOptions = {},
): Promise<LoadedCorpus> {
  const maxBytes = options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  const { files, realDir } = await listArticleFiles(dir);
  const documents: CorpusDocument[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) keepOrSkip(await readArticle(dir, file, realDir, maxBytes), documents, skipped, warn);
  return { documents, skipped };
}

/** What readArticle gave, filed: a document among `documents`, a file it refused among `skipped`, with a warning. */
export function keepOrSkip(
  result: CorpusDocument | SkippedFile,
  documents: Pick<CorpusDocument[], 'push'>,
  skipped: SkippedFile[],
  warn: (message: string) => void,
): void {
  if ('reason' in result) {
    skipped.push(result);
    warn(`Skipping ${result.source}: ${result.reason}`);
  } else {
    documents.push(result);
  }
}

/**
 * The names in `dir` that are read as articles, sorted, and the folder's real path (articles must lie inside it).
 * Folders named like articles are included, so that reading them reports them like every other skip.
 */
export async function listArticleFiles(dir: string): Promise<{ files: string[]; realDir: string }> {
  try {
    const entries = await readdir(dir);
    return { files: entries.filter(isArticleFileName).sort(), realDir: await realpath(dir) };
  } catch (err) {
    throw new Error(`Cannot read the corpus folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** One article of `dir` (see listArticleFiles for `realDir`), or why it is skipped. */
export async function readArticle(dir: string, file: string, realDir: string, maxBytes: number): Promise<CorpusDocument | SkippedFile> {
  const fullPath = path.join(dir, file);
  const source = displayPath(fullPath);
  const read = await readArticleFile(fullPath, realDir, maxBytes);
  if ('reason' in read) return { source, reason: read.reason };
  const { bytes } = read;
  if (bytes.includes(0)) return { source, reason: 'binary content' };
  const raw = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // Many replacement characters mean this is not UTF-8 text at all.
  if ((raw.match(/\uFFFD/g)?.length ?? 0) > raw.length / 100 + 1) return { source, reason: 'not UTF-8 text' };
  const meta = deriveMetadata(raw, file);
  if (!/\p{L}/u.test(meta.body)) return { source, reason: 'no text' };
  return {
    source,
    file,
    title: meta.title,
    date: meta.date,
    url: meta.url,
    text: meta.body,
    hash: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    mtimeMs: read.mtimeMs,
  };
}

/** Citations name files relative to where the user runs the command, e.g. `corpus/000_x.txt`. */
export function displayPath(fullPath: string): string {
  const relative = path.relative(process.cwd(), path.resolve(fullPath));
  return (relative.startsWith('..') ? path.resolve(fullPath) : relative).split(path.sep).join('/');
}
