import Database from 'better-sqlite3';
import type { Chunk } from '../chunk/chunker.js';
import { surfaceForms, type CorpusStats, type StatsCounts } from '../search/corpus-stats.js';
import { FTS_TOKENIZER, keywordText, type KeywordHit } from '../search/keyword-index.js';
import { readStockWords, readStoryPostings, STORY_POSTINGS_SCHEMA, writeStoryPostings, type StoryPostingsChange, type TrigramHolder } from '../search/story-postings.js';
import { IndexUnusableError } from './manifest.js';
import type { Passages } from './snapshot.js';
import { timeSlicer } from './sliced-io.js';

/*
 * A generation's passages, keyword index and corpus statistics live in one SQLite file, read where they lie: at 256k
 * passages the JSON files they replace took 52 s to load and 836 MiB of V8 heap (MiniSearch 556, passages 280).
 * What stays in memory is what many passages are asked at once: each passage's article (date filters, story
 * grouping) and the corpus statistics (vocabulary-sized, not corpus-sized). The file is written by the build process
 * only, in a generation folder no reader has yet, and opened read-only afterwards.
 */
export const GENERATION_DB = 'passages.db';

const SCHEMA = `
  CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    text TEXT NOT NULL,
    sentences TEXT NOT NULL
  );
  CREATE INDEX passages_by_file ON passages (file, ordinal);
  -- Contentless: the passage text is in passages; the keyword index keeps only its postings. A row is deleted with
  -- FTS5's 'delete' command and the terms it was indexed with, which keeps BM25's statistics exact.
  CREATE VIRTUAL TABLE keywords USING fts5 (text, title, content = '', tokenize = "${FTS_TOKENIZER}");
  CREATE TABLE article_terms (stem TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE words (word TEXT PRIMARY KEY, uses INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE forms (stem TEXT NOT NULL, word TEXT NOT NULL, uses INTEGER NOT NULL, PRIMARY KEY (stem, word)) WITHOUT ROWID;
  ${STORY_POSTINGS_SCHEMA}
`;
/**
 * Titles weigh one and a half times the text in BM25. MiniSearch weighed them half, but FTS5's bm25 differs from its
 * BM25+ (no bonus per matched term), and the pool of 30 it fills decides which passages are ranked at all. Measured
 * with `npm run eval -- --json` on seeds and on seeds + Brown: 0.2 and 0.5 lost a question on seeds + Brown; 1.0
 * matched MiniSearch until relevance rule 3 (main d2df05c), then lost one (hit@3 38 against 39); 1.5 and 2 match
 * main on every figure and place one more answer in the top-3 excerpts, in hybrid and bm25 mode alike.
 */
const TITLE_WEIGHT = 1.5;

export interface PassageWrite {
  id: number;
  chunk: Chunk;
  title: string;
}

/**
 * Writes passages and the corpus statistics into a new file, or applies a one-article change to a copy of the
 * previous generation's file: `removed` passages go (as they were written: FTS5 needs their terms to delete them), `added` passages come, `counts` are added to the statistics (an
 * update passes the removed articles' counts negated).
 */
export function writeGenerationDb(
  file: string,
  change: { create: boolean; removed: readonly PassageWrite[]; added: Iterable<PassageWrite>; counts: StatsCounts; stories: StoryPostingsChange },
): void {
  const db = new Database(file);
  try {
    // The file is not anyone's index until CURRENT names it, and a crash before then discards it: no journal.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    if (change.create) db.exec(SCHEMA);
    const insertPassage = db.prepare('INSERT INTO passages (id, file, ordinal, start_at, end_at, text, sentences) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertKeywords = db.prepare('INSERT INTO keywords (rowid, text, title) VALUES (?, ?, ?)');
    const deletePassage = db.prepare('DELETE FROM passages WHERE id = ?');
    const deleteKeywords = db.prepare("INSERT INTO keywords (keywords, rowid, text, title) VALUES ('delete', ?, ?, ?)");
    const addArticles = db.prepare('INSERT INTO article_terms (stem, articles) VALUES (?, ?) ON CONFLICT (stem) DO UPDATE SET articles = articles + excluded.articles');
    const addWord = db.prepare('INSERT INTO words (word, uses) VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET uses = uses + excluded.uses');
    const addForm = db.prepare('INSERT INTO forms (stem, word, uses) VALUES (?, ?, ?) ON CONFLICT (stem, word) DO UPDATE SET uses = uses + excluded.uses');
    const titleTerms = new Map<string, string>();
    const termsOfTitle = (title: string) => {
      let terms = titleTerms.get(title);
      if (terms === undefined) titleTerms.set(title, (terms = keywordText(title)));
      return terms;
    };
    db.transaction(() => {
      for (const { id, chunk, title } of change.removed) {
        deletePassage.run(id);
        deleteKeywords.run(id, keywordText(chunk.text), termsOfTitle(title));
      }
      for (const { id, chunk, title } of change.added) {
        insertPassage.run(id, chunk.file, chunk.ordinal, chunk.start, chunk.end, chunk.text, JSON.stringify(chunk.sentences));
        insertKeywords.run(id, keywordText(chunk.text), termsOfTitle(title));
      }
      for (const [stem, n] of change.counts.articleFrequency) if (n !== 0) addArticles.run(stem, n);
      for (const [word, n] of change.counts.wordCounts) if (n !== 0) addWord.run(word, n);
      for (const [stem, forms] of change.counts.forms) for (const [word, n] of forms) if (n !== 0) addForm.run(stem, word, n);
      db.exec('DELETE FROM article_terms WHERE articles <= 0; DELETE FROM words WHERE uses <= 0; DELETE FROM forms WHERE uses <= 0;');
      writeStoryPostings(db, change.stories);
    })();
    // Deletes leave FTS5 segments fragmented; merging them keeps a long run of updates from slowing searches.
    if (!change.create && change.removed.length > 0) db.exec("INSERT INTO keywords (keywords, rank) VALUES ('usermerge', 2)");
    if (change.create) db.exec("INSERT INTO keywords (keywords) VALUES ('optimize')");
  } finally {
    db.close();
  }
}

/** An opened generation file: passages by id, keyword search, and the statistics loaded once. */
export class GenerationDatabase {
  private readonly passage: Database.Statement<[number], PassageRow>;
  private readonly ranked: Database.Statement<[string], KeywordRow>;
  private readonly rankedTop: Database.Statement<[string, number], KeywordRow>;
  private readonly recent = new Map<number, Chunk>();

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {
    this.passage = db.prepare('SELECT file, ordinal, start_at, end_at, text, sentences FROM passages WHERE id = ?');
    const ranked = `SELECT rowid AS id, bm25(keywords, 1.0, ${TITLE_WEIGHT}) AS score FROM keywords WHERE keywords MATCH ? ORDER BY score`;
    this.ranked = db.prepare(ranked);
    this.rankedTop = db.prepare(`${ranked} LIMIT ?`);
  }

  /** Opens read-only; anything SQLite refuses is an IndexUnusableError naming the folder. */
  static open(file: string, where: string): GenerationDatabase {
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      return new GenerationDatabase(file, db);
    } catch (err) {
      throw new IndexUnusableError(`The passage database of the index in ${where} cannot be read (${(err as Error).message}).`);
    }
  }

  /** The passage with this id, from the file; the last few hundred read are kept, as one answer reads some twice. */
  get(id: number): Chunk {
    const cached = this.recent.get(id);
    if (cached) return cached;
    const row = this.passage.get(id);
    if (!row) throw new RangeError(`No passage has id ${id}.`);
    const chunk = chunkOf(row);
    if (this.recent.size >= RECENT_PASSAGES) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(id, chunk);
    return chunk;
  }

  /** The story grouping's trigram index: the sentences holding each of these trigrams (story-postings.ts). */
  storyHolders(keys: Iterable<number>): Map<number, TrigramHolder[]> {
    return readStoryPostings(this.db, keys);
  }

  /** The stock words the story grouping left out when this generation's trigram index was built. */
  storyStockWords(): ReadonlySet<string> {
    return readStockWords(this.db);
  }

  /** True when some passage or title matches the FTS5 query; unranked, so SQLite stops at the first. */
  matchesAny(match: string): boolean {
    return this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM keywords WHERE keywords MATCH ? LIMIT 1').get(match) !== undefined;
  }

  /**
   * Passages matching an FTS5 query, best BM25 first, until `limit` of them pass `keep`. Without a filter SQLite
   * stops at the limit; with one the ranked rows are read one by one only as far as needed.
   */
  searchKeywords(match: string, limit: number, keep?: (id: number) => boolean): KeywordHit[] {
    const rows = keep ? this.ranked.iterate(match) : this.rankedTop.iterate(match, limit);
    const hits: KeywordHit[] = [];
    for (const row of rows) {
      if (keep && !keep(row.id)) continue;
      // FTS5's bm25() is negative, lower is better.
      hits.push({ chunk: row.id, score: -row.score });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  /**
   * Which article each passage belongs to, read in slices that give the event loop a turn. `length` is the id space
   * (the vector file's rows): ids of removed passages at its end are holes like any other. Null when a passage's id
   * lies outside it.
   */
  async readPassageIndex(length: number): Promise<PassageIndex | null> {
    const { top } = this.db.prepare<[], { top: number | null }>('SELECT max(id) AS top FROM passages').get()!;
    if (top !== null && top >= length) return null;
    const articleOf = new Int32Array(length).fill(-1);
    const files: string[] = [];
    const positions = new Map<string, number[]>();
    const slice = timeSlicer();
    for (const [id, file] of this.db.prepare('SELECT id, file FROM passages ORDER BY id').raw().iterate() as IterableIterator<[number, string]>) {
      let list = positions.get(file);
      if (!list) {
        positions.set(file, (list = []));
        files.push(file);
      }
      list.push(id);
      articleOf[id] = files.length - 1;
      if (slice.due()) await slice.pause();
    }
    // An article's ids ascend with its ordinals: the build numbers passages in order.
    return new PassageIndex(this, length, articleOf, files, positions);
  }

  /** The corpus statistics the build stored, in slices. */
  async readStats(articles: number): Promise<CorpusStats> {
    const slice = timeSlicer();
    const articleFrequency = new Map<string, number>();
    for (const [stem, n] of this.db.prepare('SELECT stem, articles FROM article_terms').raw().iterate() as IterableIterator<[string, number]>) {
      articleFrequency.set(stem, n);
      if (slice.due()) await slice.pause();
    }
    const wordCounts = new Map<string, number>();
    for (const [word, n] of this.db.prepare('SELECT word, uses FROM words').raw().iterate() as IterableIterator<[string, number]>) {
      wordCounts.set(word, n);
      if (slice.due()) await slice.pause();
    }
    const forms: Array<[string, string, number]> = [];
    for (const row of this.db.prepare('SELECT stem, word, uses FROM forms').raw().iterate() as IterableIterator<[string, string, number]>) {
      forms.push(row);
      if (slice.due()) await slice.pause();
    }
    return { articles, articleFrequency, wordCounts, surfaceOf: surfaceForms(forms) };
  }
}

const RECENT_PASSAGES = 512;

interface KeywordRow {
  id: number;
  score: number;
}

interface PassageRow {
  file: string;
  ordinal: number;
  start_at: number;
  end_at: number;
  text: string;
  sentences: string;
}

function chunkOf(row: PassageRow): Chunk {
  return { file: row.file, ordinal: row.ordinal, start: row.start_at, end: row.end_at, text: row.text, sentences: JSON.parse(row.sentences) };
}

class PassageIndex implements Passages {
  constructor(
    private readonly db: GenerationDatabase,
    readonly length: number,
    private readonly articleOf: Int32Array,
    private readonly files: readonly string[],
    private readonly positions: ReadonlyMap<string, readonly number[]>,
  ) {}

  get(id: number): Chunk {
    if (!(id >= 0 && id < this.length) || this.articleOf[id] < 0) throw new RangeError(`No passage has id ${id}.`);
    return this.db.get(id);
  }

  fileOf(id: number): string | undefined {
    const article = this.articleOf[id];
    return article === undefined || article < 0 ? undefined : this.files[article];
  }

  positionsOf(file: string): readonly number[] {
    return this.positions.get(file) ?? [];
  }
}
