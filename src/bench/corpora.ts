import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { copySeedArticles, writeCorpusWithBrownDistractors } from '../corpus/brown.js';

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
  const distractors = path.join(workDir, 'distractors');
  const written = await writeCorpusWithBrownDistractors(seedDir, path.join(distractors, 'corpus'));
  return [
    await prepareSeeds(seedDir, workDir),
    { name: 'distractors', label: `seeds + ${written} Brown`, corpusDir: path.join(distractors, 'corpus'), indexDir: path.join(distractors, 'index') },
  ];
}

async function prepareSeeds(seedDir: string, workDir: string): Promise<PreparedCorpus> {
  const seeds = path.join(workDir, 'seeds');
  await copySeedArticles(seedDir, path.join(seeds, 'corpus'));
  return { name: 'seeds', label: 'seeds', corpusDir: path.join(seeds, 'corpus'), indexDir: path.join(seeds, 'index') };
}

/** The article edited for the one-article reindex: the first seed, so both corpora change the same file. */
export async function firstArticle(seedDir: string): Promise<string> {
  const first = (await readdir(seedDir)).filter((f) => ARTICLE.test(f)).sort()[0];
  if (!first) throw new Error(`No .txt or .md article in ${seedDir}.`);
  return first;
}
