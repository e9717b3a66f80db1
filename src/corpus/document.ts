/** One article of the corpus, as every later stage sees it. */
export interface CorpusDocument {
  /** Path shown in citations, relative to the working directory with forward slashes, e.g. `corpus/000_x.txt`. */
  source: string;
  /** File name alone; the stable key of the document in the index manifest. */
  file: string;
  title: string;
  /** ISO `YYYY-MM-DD`, or null when the article carries no date. */
  date: string | null;
  url: string | null;
  /** The article's own text with metadata lines removed; chunk spans point into it. */
  text: string;
  /** sha256 of the raw file bytes: decides whether a document must be re-embedded. */
  hash: string;
  /** The file's size in bytes and modification time when read; absent for articles not read from a file. */
  size?: number;
  mtimeMs?: number;
}

export interface SkippedFile {
  source: string;
  reason: string;
}
