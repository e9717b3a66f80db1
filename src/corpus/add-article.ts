import { createHash } from 'node:crypto';
import path from 'node:path';
import slugify from '@sindresorhus/slugify';
import { fileTypeFromBuffer } from 'file-type';
import { stringify as toYaml } from 'yaml';
import { formatBytes } from './article-file.js';
import { writeNewFile } from './corpus-write.js';
import { htmlToArticle } from './html-article.js';
import { DEFAULT_MAX_ARTICLE_BYTES, loadCorpus } from './loader.js';
import { deriveMetadata } from './metadata.js';

/** A file offered for the corpus: its name as the uploader gave it (never used as a path) and its bytes. */
export interface Upload {
  name: string;
  bytes: Uint8Array;
}

export interface AddedArticle {
  /** The name it was uploaded under. */
  name: string;
  /** The corpus file it was written to (a slug of its title). */
  file: string;
  title: string;
}

export interface RefusedUpload {
  name: string;
  /** One sentence naming the file and what is wrong with it. */
  reason: string;
}

export interface AddReport {
  added: AddedArticle[];
  refused: RefusedUpload[];
}

export interface AddArticleOptions {
  corpusDir: string;
  /** Uploads larger than this are refused (MAX_UPLOAD_BYTES). */
  maxUploadBytes: number;
  /** The loader's per-file limit: an article written larger than this would never be indexed. */
  maxArticleBytes?: number;
  /** A title given by whoever adds the file; only with a single file. */
  title?: string;
}

/** A request that cannot be carried out at all (as opposed to one refused file); the message is one sentence. */
export class ArticleInputError extends Error {
  override name = 'ArticleInputError';
}

/** News articles are tens of kilobytes; a saved web page with its markup a few hundred. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
/** Discord's own attachment limit on the most boosted servers. */
export const MAX_UPLOAD_BYTES_CEILING = 100 * 1024 * 1024;
export const MAX_TITLE_CHARS = 200;
/** File names stay short enough for Discord's 100-character choice values, with room for a "-2" suffix. */
const MAX_SLUG_CHARS = 60;

const TEXT_TYPES = new Set(['.txt', '.md']);
const HTML_TYPES = new Set(['.html', '.htm']);
// A whole web page (doctype or <html> first, after comments), as opposed to Markdown with a tag in it.
const HTML_DOCUMENT = /^\s*(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+html|<html[\s>])/i;
const HTML_TAG = /<(?:html|head|body|article|main|div|p|h[1-6])[\s>]/i;

type Prepared = { name: string; title: string; markdown: string; bodyKey: string };

/**
 * Validates each upload, turns HTML into article text, and writes each good one into the corpus as a Markdown file
 * with front matter (title, date, url) under a name derived from its title. A file that fails a check, or repeats
 * the text of an article already in the corpus (or of another upload), is refused with one sentence; the others
 * are still added. Nothing in the corpus is ever overwritten.
 */
export async function addArticles(uploads: readonly Upload[], options: AddArticleOptions): Promise<AddReport> {
  if (uploads.length === 0) throw new ArticleInputError('No file was given to add.');
  if (options.title !== undefined && uploads.length > 1) {
    throw new ArticleInputError('A title can only be given when adding a single file.');
  }
  const report: AddReport = { added: [], refused: [] };
  const prepared: Prepared[] = [];
  for (const upload of uploads) {
    const result = await prepareUpload(upload, options);
    if ('reason' in result) report.refused.push(result);
    else prepared.push(result);
  }
  if (prepared.length === 0) return report;

  const existing = await existingBodies(options);
  const justAdded = new Map<string, string>();
  for (const article of prepared) {
    const copyOf = existing.get(article.bodyKey);
    if (copyOf) {
      report.refused.push({ name: article.name, reason: `${shown(article.name)} has the same text as ${copyOf}, already in the corpus.` });
      continue;
    }
    const earlier = justAdded.get(article.bodyKey);
    if (earlier) {
      report.refused.push({ name: article.name, reason: `${shown(article.name)} has the same text as ${shown(earlier)}, added with it.` });
      continue;
    }
    const file = await writeNewFile(options.corpusDir, slugOf(article.title), '.md', article.markdown);
    justAdded.set(article.bodyKey, article.name);
    report.added.push({ name: article.name, file, title: article.title });
  }
  return report;
}

/** Every check on one upload, in the order that gives the most useful sentence; the article to write, or why not. */
export async function prepareUpload(upload: Upload, options: Omit<AddArticleOptions, 'corpusDir'>): Promise<Prepared | RefusedUpload> {
  const { name, bytes } = upload;
  const refuse = (why: string): RefusedUpload => ({ name, reason: `${shown(name)} ${why}` });
  if (/[/\\]/.test(name)) return refuse('has a path separator (/ or \\) in its name; only a plain file name is accepted.');
  if (/\p{Cc}/u.test(name)) return refuse('has control characters in its name.');
  const type = path.extname(name).toLowerCase();
  if (!TEXT_TYPES.has(type) && !HTML_TYPES.has(type)) {
    return refuse(`is ${type ? `a ${type} file` : 'a file without a type'}; only .txt, .md and .html articles can be added.`);
  }
  if (bytes.length === 0) return refuse('is empty.');
  if (bytes.length > options.maxUploadBytes) {
    return refuse(`is ${formatBytes(bytes.length)}, over the ${formatBytes(options.maxUploadBytes)} upload limit (MAX_UPLOAD_BYTES).`);
  }
  const binary = await binaryKind(bytes);
  if (binary) return refuse(`is ${binary}, not text.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('is not UTF-8 text; save it as UTF-8 and add it again.');
  }
  if (!/\S/u.test(text)) return refuse('holds only white space.');

  let article: { title: string | null; date: string | null; url: string | null; body: string };
  if (HTML_TYPES.has(type)) {
    if (!HTML_DOCUMENT.test(text) && !HTML_TAG.test(text)) return refuse(`is named ${type} but holds no HTML.`);
    const html = htmlToArticle(text);
    if (!/\p{L}/u.test(html.text)) return refuse('holds no article text that could be extracted from its HTML.');
    article = { title: html.title, date: html.date, url: html.url, body: html.text };
  } else {
    if (HTML_DOCUMENT.test(text)) return refuse(`holds a web page but is named ${type}; rename it to .html.`);
    const meta = deriveMetadata(text, name);
    if (!/\p{L}/u.test(meta.body)) return refuse('holds no article text.');
    // A Markdown headline is read as a title with its "#" marks; they are markup, not words of the title.
    const title = meta.titleFound ? meta.title.replace(/^#{1,6}\s+/, '') : null;
    article = { title, date: meta.date, url: meta.url, body: meta.body };
  }

  const title = options.title ?? article.title;
  if (title === null) return refuse('has no title (no front matter title, headline line or HTML title); give one with the title option.');
  const titleProblem = problemWithTitle(title);
  if (titleProblem) return refuse(titleProblem);
  const markdown = articleMarkdown({ ...article, title: oneLine(title) });
  const maxArticleBytes = options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  const size = Buffer.byteLength(markdown);
  if (size > maxArticleBytes) {
    return refuse(`would be ${formatBytes(size)} as an article, over the ${formatBytes(maxArticleBytes)} limit of the corpus (MAX_ARTICLE_BYTES).`);
  }
  return { name, title: oneLine(title), markdown, bodyKey: bodyKey(article.body) };
}

/** Why a title cannot be used (a phrase completing "<file> …"), or null. */
function problemWithTitle(title: string): string | null {
  if (/\p{Cc}/u.test(title.replace(/[\t\n\r]/g, ' '))) return 'has a title with control characters in it.';
  const line = oneLine(title);
  if (!/[\p{L}\p{N}]/u.test(line)) return 'has a title with no letters or digits.';
  if (line.length > MAX_TITLE_CHARS) return `has a title over ${MAX_TITLE_CHARS} characters long.`;
  return null;
}

/** "PDF document (application/pdf)": what the bytes are, when their signature says they are not text. */
async function binaryKind(bytes: Uint8Array): Promise<string | null> {
  const detected = await fileTypeFromBuffer(bytes);
  // file-type recognises XML by its declaration: XHTML pages start that way.
  if (detected && detected.ext !== 'xml') return `a .${detected.ext} file (${detected.mime})`;
  if (bytes.includes(0)) return 'binary data';
  return null;
}

function articleMarkdown(article: { title: string; date: string | null; url: string | null; body: string }): string {
  const front: Record<string, string> = { title: article.title };
  if (article.date) front.date = article.date;
  if (article.url) front.url = article.url;
  // yaml quotes whatever needs quoting (colons, quotes, a leading dash), so any title reads back unchanged.
  return `---\n${toYaml(front, { lineWidth: 0 })}---\n${article.body.trim()}\n`;
}

/** Two articles are the same text when they differ only in spacing and case. */
function bodyKey(body: string): string {
  return createHash('sha256').update(body.replace(/\s+/g, ' ').trim().toLowerCase()).digest('hex');
}

/** The text of every article already in the corpus, by its body key, naming its file. */
async function existingBodies(options: AddArticleOptions): Promise<Map<string, string>> {
  const { documents } = await loadCorpus(options.corpusDir, () => {}, { maxArticleBytes: options.maxArticleBytes });
  return new Map(documents.map((d) => [bodyKey(d.text), d.file]));
}

/** A lower-case ASCII file name from the title (transliterated), cut at a word. */
export function slugOf(title: string): string {
  let slug = slugify(title);
  if (slug.length > MAX_SLUG_CHARS) {
    const cut = slug.slice(0, MAX_SLUG_CHARS + 1);
    slug = cut.includes('-') ? cut.slice(0, cut.lastIndexOf('-')) : cut.slice(0, MAX_SLUG_CHARS);
  }
  return slug || 'article';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The uploader's name made safe to show: control characters visible, quoted, at most 80 characters. */
export function shown(name: string): string {
  const safe = name.replace(/\p{Cc}/gu, '�');
  return `"${safe.length > 80 ? `${safe.slice(0, 79)}…` : safe}"`;
}
