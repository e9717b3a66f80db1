import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CorpusDocument, SkippedFile } from './document.js';
import { deriveMetadata } from './metadata.js';

const ARTICLE_EXTENSIONS = new Set(['.txt', '.md']);

export interface LoadedCorpus {
  documents: CorpusDocument[];
  skipped: SkippedFile[];
}

/**
 * Reads every .txt/.md article in `dir` (not recursive), sorted by file name. A file that cannot be read,
 * looks binary or holds no text is skipped and reported, so one bad file never stops indexing.
 */
export async function loadCorpus(dir: string, warn: (message: string) => void = () => {}): Promise<LoadedCorpus> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new Error(`Cannot read the corpus folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const files = entries
    .filter((e) => !e.isDirectory() && ARTICLE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();

  const documents: CorpusDocument[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const fullPath = path.join(dir, file);
    const source = displayPath(fullPath);
    const result = await readArticle(fullPath, file, source);
    if ('reason' in result) {
      skipped.push(result);
      warn(`Skipping ${source}: ${result.reason}`);
    } else {
      documents.push(result);
    }
  }
  return { documents, skipped };
}

async function readArticle(fullPath: string, file: string, source: string): Promise<CorpusDocument | SkippedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(fullPath);
  } catch (err) {
    return { source, reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
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
  };
}

/** Citations name files relative to where the user runs the command, e.g. `corpus/000_x.txt`. */
export function displayPath(fullPath: string): string {
  const relative = path.relative(process.cwd(), path.resolve(fullPath));
  return (relative.startsWith('..') ? path.resolve(fullPath) : relative).split(path.sep).join('/');
}
