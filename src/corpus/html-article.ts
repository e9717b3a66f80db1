import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { normaliseDate } from './metadata.js';

/** What a web page yields as an article: its text in paragraphs, and the metadata the page declares. */
export interface HtmlArticle {
  title: string | null;
  date: string | null;
  url: string | null;
  /** Paragraphs separated by blank lines; empty when the page holds no article. */
  text: string;
}

// Elements whose text is a paragraph of its own: their ends become blank lines in the article text.
const BLOCKS = 'p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption, tr, dt, dd';

/**
 * Readability (Firefox Reader View's extractor) finds the article among navigation, ads and comments; linkedom
 * gives it a DOM without running any of the page's scripts. Readability's own `textContent` runs paragraphs
 * together ("…countries.The ministers…"), which would break sentence segmentation, so the text is taken from its
 * cleaned HTML with a blank line after every block.
 */
export function htmlToArticle(html: string): HtmlArticle {
  const { document } = parseHTML(html);
  const url = canonicalUrl(document);
  const parsed = new Readability(document as unknown as Document).parse();
  if (!parsed?.content) return { title: null, date: null, url, text: '' };
  const { document: content } = parseHTML(`<!doctype html><html><body>${parsed.content}</body></html>`);
  for (const br of content.querySelectorAll('br')) br.replaceWith(content.createTextNode('\n'));
  for (const block of content.querySelectorAll(BLOCKS)) block.after(content.createTextNode('\n\n'));
  const text = paragraphs(content.body?.textContent ?? '');
  const title = oneLine(parsed.title ?? '') || null;
  return { title, date: parsed.publishedTime ? normaliseDate(parsed.publishedTime.slice(0, 10)) : null, url, text: dropLeadingTitle(text, title) };
}

/** Collapses spaces within lines and runs of blank lines, so paragraphs are separated by exactly one. */
function paragraphs(raw: string): string {
  return raw
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map(oneLine).filter(Boolean).join('\n'))
    .filter(Boolean)
    .join('\n\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Readability often keeps the page's <h1> as the first paragraph; the title goes into front matter instead. */
function dropLeadingTitle(text: string, title: string | null): string {
  if (!title) return text;
  const [first, ...rest] = text.split('\n\n');
  return first === title ? rest.join('\n\n') : text;
}

/** The page's own address (canonical link or og:url), when it is an http(s) URL. */
function canonicalUrl(document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null }): string | null {
  const candidates = [
    document.querySelector('link[rel="canonical"]')?.getAttribute('href'),
    document.querySelector('meta[property="og:url"]')?.getAttribute('content'),
  ];
  for (const candidate of candidates) {
    try {
      const url = new URL(candidate ?? '');
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch {
      // not an absolute URL: ignored
    }
  }
  return null;
}
