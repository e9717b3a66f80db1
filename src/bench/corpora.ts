import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeCorpusWithBrownDistractors } from '../corpus/brown.js';

export interface PreparedCorpus {
  name: 'seeds' | 'distractors';
  label: string;
  corpusDir: string;
  indexDir: string;
}

const ARTICLE = /\.(txt|md)$/i;

/**
 * Private copies of both corpora under `workDir`, each with an index folder that does not exist yet. Copies,
 * because the one-article reindex edits an article and `corpus/` must never change; fresh index folders, because
 * the build must be a full one.
 */
export async function prepareCorpora(seedDir: string, workDir: string): Promise<PreparedCorpus[]> {
  const seeds = path.join(workDir, 'seeds');
  await mkdir(path.join(seeds, 'corpus'), { recursive: true });
  for (const file of await readdir(seedDir)) {
    if (ARTICLE.test(file)) await copyFile(path.join(seedDir, file), path.join(seeds, 'corpus', file));
  }
  const distractors = path.join(workDir, 'distractors');
  const written = await writeCorpusWithBrownDistractors(seedDir, path.join(distractors, 'corpus'));
  return [
    { name: 'seeds', label: 'seeds', corpusDir: path.join(seeds, 'corpus'), indexDir: path.join(seeds, 'index') },
    { name: 'distractors', label: `seeds + ${written} Brown`, corpusDir: path.join(distractors, 'corpus'), indexDir: path.join(distractors, 'index') },
  ];
}

/** The article edited for the one-article reindex: the first seed, so both corpora change the same file. */
export async function firstArticle(seedDir: string): Promise<string> {
  const first = (await readdir(seedDir)).filter((f) => ARTICLE.test(f)).sort()[0];
  if (!first) throw new Error(`No .txt or .md article in ${seedDir}.`);
  return first;
}
