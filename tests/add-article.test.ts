import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addArticles, ArticleInputError, slugOf, type AddArticleOptions, type Upload } from '../src/corpus/add-article.js';
import { htmlToArticle } from '../src/corpus/html-article.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { listArticleFiles, removeArticle } from '../src/corpus/remove-article.js';
import { tempCorpus } from './helpers/seed-runtime.js';

const ARTICLE = [
  'Kuwait and Oman sign a shipping agreement',
  '',
  'Kuwait and Oman signed an agreement on Monday to open a shipping line between their ports, the two governments said.',
  '',
  'The line will carry containers twice a week from next spring, officials told reporters in Muscat.',
].join('\n');

const PAGE = `<!doctype html>
<html><head><title>Harbour reopens after storm - Coastal Times</title>
<link rel="canonical" href="https://news.example.org/harbour-reopens">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour of Port Alder reopened on Tuesday, five days after a storm damaged its breakwater and sank two fishing boats.</p>
<p>Engineers said the repairs would take months.<br>Ferries will run a reduced timetable until then, the port authority said.</p>
</article><aside>Subscribe to our newsletter!</aside><script>document.write('ad')</script></body></html>`;

const utf8 = (text: string) => Buffer.from(text, 'utf8');

let core: Awaited<ReturnType<typeof tempCorpus>>;
let options: AddArticleOptions;
beforeEach(async () => {
  core = await tempCorpus('add-article-');
  options = { corpusDir: core.corpusDir, maxUploadBytes: 64 * 1024 };
});
afterEach(async () => {
  await rm(core.root, { recursive: true, force: true });
});

async function refusal(upload: Upload, extra: Partial<AddArticleOptions> = {}): Promise<string> {
  const before = await readdir(core.corpusDir);
  const report = await addArticles([upload], { ...options, ...extra });
  expect(report.added).toEqual([]);
  expect(report.refused).toHaveLength(1);
  // Nothing was written, not even a temp file.
  expect(await readdir(core.corpusDir)).toEqual(before);
  return report.refused[0].reason;
}

describe('addArticles', () => {
  it('writes a text article as Markdown with front matter under a slug of its headline, atomically', async () => {
    const report = await addArticles([{ name: 'upload.txt', bytes: utf8(ARTICLE) }], options);
    expect(report.refused).toEqual([]);
    expect(report.added).toEqual([{ name: 'upload.txt', file: 'kuwait-and-oman-sign-a-shipping-agreement.md', title: 'Kuwait and Oman sign a shipping agreement' }]);
    const written = await readFile(path.join(core.corpusDir, report.added[0].file), 'utf8');
    expect(written).toMatch(/^---\ntitle: Kuwait and Oman sign a shipping agreement\n---\nKuwait and Oman signed/);
    expect((await readdir(core.corpusDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The loader reads it back with the same title and text.
    const { documents } = await loadCorpus(core.corpusDir);
    const doc = documents.find((d) => d.file === report.added[0].file)!;
    expect(doc.title).toBe('Kuwait and Oman sign a shipping agreement');
    expect(doc.text).toContain('twice a week');
  });

  it('turns a web page into its article text, title, date and address', async () => {
    const report = await addArticles([{ name: 'page.html', bytes: utf8(PAGE) }], options);
    expect(report.added.map((a) => a.file)).toEqual(['harbour-reopens-after-storm-coastal-times.md']);
    const { documents } = await loadCorpus(core.corpusDir);
    const doc = documents.find((d) => d.file === report.added[0].file)!;
    expect(doc.title).toBe('Harbour reopens after storm - Coastal Times');
    expect(doc.date).toBe('2024-03-05');
    expect(doc.url).toBe('https://news.example.org/harbour-reopens');
    expect(doc.text).toContain('breakwater and sank two fishing boats.\n\nEngineers said');
    expect(doc.text).not.toMatch(/Subscribe|Home|document\.write/);
  });

  it('keeps paragraphs apart in extracted HTML (Readability alone runs them together)', () => {
    const article = htmlToArticle(PAGE);
    expect(article.text.split('\n\n').length).toBeGreaterThanOrEqual(2);
    expect(article.text).toContain('months.\nFerries');
  });

  it('gives a second article of the same title a numbered name and never overwrites', async () => {
    const first = await addArticles([{ name: 'a.txt', bytes: utf8(ARTICLE) }], options);
    const second = await addArticles([{ name: 'b.md', bytes: utf8(`# ignored\n\nA different text about the same agreement, reported later in the week by another paper.`) }], {
      ...options,
      title: 'Kuwait and Oman sign a shipping agreement',
    });
    expect(second.added.map((a) => a.file)).toEqual(['kuwait-and-oman-sign-a-shipping-agreement-2.md']);
    expect(await readFile(path.join(core.corpusDir, first.added[0].file), 'utf8')).toContain('twice a week');
  });

  it('uses a title given with the file, and refuses a file with no title of its own without one', async () => {
    const untitled = 'The minister said on Monday that talks would resume next week. Nobody else commented.';
    expect(await refusal({ name: 'note.txt', bytes: utf8(untitled) })).toBe(
      '"note.txt" has no title (no front matter title, headline line or HTML title); give one with the title option.',
    );
    const report = await addArticles([{ name: 'note.txt', bytes: utf8(untitled) }], { ...options, title: 'Talks to resume' });
    expect(report.added.map((a) => a.file)).toEqual(['talks-to-resume.md']);
  });

  it('refuses a title given for several files at once, before writing anything', async () => {
    const uploads = [{ name: 'a.txt', bytes: utf8(ARTICLE) }, { name: 'b.html', bytes: utf8(PAGE) }];
    await expect(addArticles(uploads, { ...options, title: 'One title' })).rejects.toThrow(ArticleInputError);
    expect(await listArticleFiles(core.corpusDir)).toHaveLength(5);
  });

  it('refuses the text of an article already in the corpus, naming it, and a repeat within one upload', async () => {
    const seed = await readFile(path.join(core.corpusDir, '001_dd448b168f52a1ce.txt'), 'utf8');
    const respaced = seed.replace(/\n\n+/g, '\n\n\n').replace(/ /g, '  ');
    expect(await refusal({ name: 'again.txt', bytes: utf8(respaced) }, { title: 'Old news' })).toBe(
      '"again.txt" has the same text as 001_dd448b168f52a1ce.txt, already in the corpus.',
    );
    const report = await addArticles([{ name: 'x.txt', bytes: utf8(ARTICLE) }, { name: 'y.txt', bytes: utf8(`${ARTICLE}\n`) }], options);
    expect(report.added.map((a) => a.name)).toEqual(['x.txt']);
    expect(report.refused).toEqual([{ name: 'y.txt', reason: '"y.txt" has the same text as "x.txt", added with it.' }]);
  });

  it('refuses each kind of bad file with one sentence', async () => {
    const cases: Array<[Upload, string]> = [
      [{ name: 'big.txt', bytes: utf8(`Big headline here\n\n${'word '.repeat(20_000)}`) }, '"big.txt" is 97.7 KiB (100,019 bytes), over the 64.0 KiB (65,536 bytes) upload limit (MAX_UPLOAD_BYTES).'],
      [{ name: 'report.txt', bytes: Buffer.concat([utf8('%PDF-1.7\n'), Buffer.alloc(64, 1)]) }, '"report.txt" is a .pdf file (application/pdf), not text.'],
      [{ name: 'data.md', bytes: Buffer.from([72, 105, 0, 1, 2, 3, 72, 105]) }, '"data.md" is binary data, not text.'],
      [{ name: 'empty.txt', bytes: Buffer.alloc(0) }, '"empty.txt" is empty.'],
      [{ name: 'blank.md', bytes: utf8(' \n\t\n') }, '"blank.md" holds only white space.'],
      [{ name: 'story.docx', bytes: utf8(ARTICLE) }, '"story.docx" is a .docx file; only .txt, .md and .html articles can be added.'],
      [{ name: 'README', bytes: utf8(ARTICLE) }, '"README" is a file without a type; only .txt, .md and .html articles can be added.'],
      [{ name: 'latin1.txt', bytes: Buffer.from('Caf\xe9 owners protest new tax\n\nThe caf\xe9 owners said so.', 'latin1') }, '"latin1.txt" is not UTF-8 text; save it as UTF-8 and add it again.'],
      [{ name: 'nav.html', bytes: utf8('<!doctype html><html><head><title>Menu</title></head><body><div><img src="a.png"></div></body></html>') }, '"nav.html" holds no article text that could be extracted from its HTML.'],
      [{ name: 'plain.html', bytes: utf8(ARTICLE) }, '"plain.html" is named .html but holds no HTML.'],
      [{ name: 'saved.txt', bytes: utf8(PAGE) }, '"saved.txt" holds a web page but is named .txt; rename it to .html.'],
      [{ name: '../../.env.txt', bytes: utf8(ARTICLE) }, '"../../.env.txt" has a path separator (/ or \\) in its name; only a plain file name is accepted.'],
      [{ name: 'dir\\x.txt', bytes: utf8(ARTICLE) }, '"dir\\x.txt" has a path separator (/ or \\) in its name; only a plain file name is accepted.'],
      [{ name: 'bell\u0007.txt', bytes: utf8(ARTICLE) }, '"bell�.txt" has control characters in its name.'],
      [{ name: 'digits.md', bytes: utf8('---\ntitle: "!!! ---"\n---\nSome article text that is long enough to read.') }, '"digits.md" has a title with no letters or digits.'],
    ];
    for (const [upload, sentence] of cases) expect(await refusal(upload), upload.name).toBe(sentence);
  });

  it('refuses an article that would be over the corpus limit once written', async () => {
    const reason = await refusal({ name: 'long.txt', bytes: utf8(`A long headline line\n\n${'text '.repeat(2000)}`) }, { maxArticleBytes: 4096 });
    expect(reason).toMatch(/^"long\.txt" would be 9\.8 KiB .* over the 4\.0 KiB \(4,096 bytes\) limit of the corpus \(MAX_ARTICLE_BYTES\)\.$/);
  });

  it('adds the good files of an upload and refuses the bad ones', async () => {
    const report = await addArticles([{ name: 'good.txt', bytes: utf8(ARTICLE) }, { name: 'bad.exe', bytes: Buffer.from([0x4d, 0x5a, 0, 0]) }], options);
    expect(report.added.map((a) => a.name)).toEqual(['good.txt']);
    expect(report.refused.map((r) => r.name)).toEqual(['bad.exe']);
  });

  it('makes ASCII file names of any title, short and never empty', () => {
    expect(slugOf('Лавров: «Переговоры продолжатся»')).toBe('lavrov-peregovory-prodolzhatsya');
    expect(slugOf('???')).toBe('article');
    const long = slugOf('A very long headline about the many ministers who met in Geneva to talk about the ceasefire in the region');
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toMatch(/^a-very-long-headline.*[a-z]$/);
  });
});

describe('removeArticle', () => {
  it('removes one article by its listed name, and nothing else', async () => {
    await removeArticle(core.corpusDir, '002_24ce755addd3eb41.txt');
    expect(await listArticleFiles(core.corpusDir)).toEqual([
      '000_d618012357f11240.txt',
      '001_dd448b168f52a1ce.txt',
      '003_59b5f704395a9f78.txt',
      '004_6c860c4a14f93851.txt',
    ]);
  });

  it('refuses a missing file, a path, a non-article and a folder with one sentence, removing nothing', async () => {
    await writeFile(path.join(core.root, 'outside.txt'), 'not in the corpus');
    await mkdir(path.join(core.corpusDir, 'folder.md'));
    const cases: Array<[string, string]> = [
      ['nope.txt', 'There is no article "nope.txt" in the corpus.'],
      ['../outside.txt', '"../outside.txt" is a path; give the article\'s file name as /sources lists it.'],
      ['notes.pdf', '"notes.pdf" is not an article file (.txt or .md).'],
      ['folder.md', '"folder.md" is a folder, not an article.'],
      ['a\nb.txt', '"a�b.txt" has control characters in it; no article is named that.'],
    ];
    for (const [name, sentence] of cases) await expect(removeArticle(core.corpusDir, name), name).rejects.toThrow(sentence);
    expect(await listArticleFiles(core.corpusDir)).toHaveLength(6);
    expect(await readFile(path.join(core.root, 'outside.txt'), 'utf8')).toBe('not in the corpus');
  });

  it('removes a link itself, never the file it points to', async () => {
    await writeFile(path.join(core.root, 'target.txt'), 'kept');
    await symlink(path.join(core.root, 'target.txt'), path.join(core.corpusDir, 'link.txt'));
    await removeArticle(core.corpusDir, 'link.txt');
    expect(await readFile(path.join(core.root, 'target.txt'), 'utf8')).toBe('kept');
  });
});
