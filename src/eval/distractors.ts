import { rm } from 'node:fs/promises';
import path from 'node:path';
import { writeCorpusWithBrownDistractors } from '../corpus/brown.js';

export const DISTRACTOR_SETS = ['brown'] as const;
export type DistractorSet = (typeof DISTRACTOR_SETS)[number];

/**
 * Writes seeds + distractors under `.cache/distractors/<set>/corpus` (never touching the seed folder) and returns
 * that folder with a matching index folder. The corpus copy is rewritten each time so seed edits show up; the
 * index folder is kept, so unchanged documents are not re-embedded.
 */
export async function prepareDistractorCorpus(set: DistractorSet, seedDir: string, cacheRoot = '.cache'): Promise<{ corpusDir: string; indexDir: string }> {
  const root = path.join(cacheRoot, 'distractors', set);
  const corpusDir = path.join(root, 'corpus');
  await rm(corpusDir, { recursive: true, force: true });
  await writeCorpusWithBrownDistractors(seedDir, corpusDir);
  return { corpusDir, indexDir: path.join(root, 'index') };
}
