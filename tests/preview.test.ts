/**
 * The preview: Discord Markdown to HTML and to visible text, the self-contained page, and `npm run preview`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ButtonStyle, ComponentType } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DiscordAnswer } from '../src/bot/render-answer.js';
import { markdownToHtml, markdownToText } from '../src/preview/markdown.js';
import { previewPage } from '../src/preview/page.js';
import { visibleLength, visibleText } from '../src/preview/visible-text.js';
import { tempCorpus } from './helpers/seed-runtime.js';

describe('Discord Markdown', () => {
  const content = '> The answer, **in bold**, \\*not italic\\*. [1]\n> A second answer. [2]\n-# asked: why? · as of 4 Nov 2024, 5 articles';

  it('renders quotes, bold, escapes and a subtext line right after a quote, as Discord does', () => {
    expect(markdownToHtml(content, 'message')).toBe(
      '<div class="quote"><div class="quote-bar"></div><blockquote>The answer, <strong>in bold</strong>, *not italic*. [1]<br>A second answer. [2]</blockquote></div>' +
        '<small class="subtext">asked: why? · as of 4 Nov 2024, 5 articles</small>',
    );
    expect(markdownToText(content, 'message')).toBe('The answer, in bold, *not italic*. [1]\nA second answer. [2]\nasked: why? · as of 4 Nov 2024, 5 articles\n');
  });

  it('escapes HTML, links only web addresses, and shows mentions as Discord does for unknown ids', () => {
    const html = markdownToHtml('<script>alert(1)</script> [a](https://example.org/?q="x") [b](javascript:alert(1)) <@123456789012345678> @everyone', 'embed');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('<a href="https://example.org/?q=&#34;x&#34;">a</a>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<span class="mention">@unknown-user</span>');
    expect(html).toContain('<span class="mention">@everyone</span>');
    // Only embeds (and webhooks) turn [text](url) into a link; in message text it stays as typed.
    expect(markdownToText('[a](https://example.org)', 'message')).toBe('[a](https://example.org)');
    expect(markdownToText('[a](https://example.org)', 'embed')).toBe('a');
  });
});

const payload: DiscordAnswer = {
  content: '> Lavrov called for a ceasefire. [1]\n-# as of 4 Nov 2024, 5 articles',
  embeds: [
    {
      color: 0x3b82f6,
      title: '[1] Lavrov on the ceasefire',
      url: 'https://example.org/article',
      description: 'Talks went on. **Lavrov called for a ceasefire.** More followed.',
      fields: [{ name: 'Field', value: 'Value', inline: true }],
      author: { name: 'Author' },
      footer: { text: '4 Nov 2024 · 003_x.txt' },
    },
  ],
  components: [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: 'up', emoji: { name: '👍' }, label: 'Helpful' },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: 'down', emoji: { name: '👎' } },
        { type: ComponentType.Button, style: ButtonStyle.Link, url: 'https://example.org', label: 'Open' },
      ],
    },
  ],
};

describe('previewPage', () => {
  const page = previewPage({ reply: payload, question: 'What did Lavrov say?', via: 'slash', botName: 'Newsdesk', userName: 'reader' });

  it('shows every part of the payload: text, embed with colour bar, linked title, fields, footer, buttons', () => {
    expect(page).toContain('<blockquote>Lavrov called for a ceasefire. [1]</blockquote>');
    expect(page).toContain('<small class="subtext">as of 4 Nov 2024, 5 articles</small>');
    expect(page).toContain('style="border-left-color:#3b82f6"');
    expect(page).toContain('<div class="embed-title"><a href="https://example.org/article">[1] Lavrov on the ceasefire</a></div>');
    expect(page).toContain('<strong>Lavrov called for a ceasefire.</strong>');
    expect(page).toContain('<div class="embed-field inline"><div class="embed-field-name">Field</div><div class="embed-field-value">Value</div></div>');
    expect(page).toContain('<div class="embed-author">Author</div>');
    expect(page).toContain('<div class="embed-footer">4 Nov 2024 · 003_x.txt</div>');
    expect(page.match(/<button class="button secondary"/g)).toHaveLength(3);
    expect(page).toContain('<span class="button-emoji">👍</span><span>Helpful</span>');
    expect(page).toContain('used <span class="command">/ask</span>');
  });

  it('is self-contained: no scripts, no stylesheets or images from elsewhere', () => {
    expect(page).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(page.startsWith('<!doctype html>')).toBe(true);
  });

  it('shows a mention as the member’s message followed by the reply to it', () => {
    const mention = previewPage({ reply: payload, question: 'what about <b>Iran</b>?', via: 'mention', botName: 'Newsdesk', userName: 'reader' });
    expect(mention).toContain('<span class="mention">@Newsdesk</span> what about &#60;b&#62;Iran&#60;/b&#62;?');
    expect(mention).not.toContain('used <span class="command">');
  });
});

describe('visibleText', () => {
  it('is what a reader sees of every part, markup aside', () => {
    expect(visibleText(payload).split('\n')).toEqual([
      'Lavrov called for a ceasefire. [1]',
      'as of 4 Nov 2024, 5 articles',
      '[1] Lavrov on the ceasefire',
      'Author',
      'Talks went on. Lavrov called for a ceasefire. More followed.',
      'Field',
      'Value',
      '4 Nov 2024 · 003_x.txt',
      'Helpful',
      'Open',
    ]);
    expect(visibleLength(payload)).toBe(visibleText(payload).replace(/\n/g, '').length);
  });
});

describe('npm run preview', () => {
  let env: NodeJS.ProcessEnv;
  let out: string;

  beforeAll(async () => {
    const corpus = await tempCorpus('preview-');
    env = { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d', CORPUS_DIR: corpus.corpusDir, INDEX_DIR: corpus.indexDir };
    out = path.join(await mkdtemp(path.join(tmpdir(), 'preview-out-')), 'answer.html');
  });

  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/preview.ts', ...args], { encoding: 'utf8', env, timeout: 60_000 });

  it('writes the page for a real answer and says how long the answer is', async () => {
    const result = run(['--out', out, 'What list did Russia give to Hamas?']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    expect(result.stderr).toMatch(/Preview: \d+ characters of visible text, (1 embed|[23] embeds)\./);
    const page = await readFile(out, 'utf8');
    expect(page).toMatch(/<blockquote>[^<]*list of names[^<]* \[1\]<\/blockquote>/);
    expect(page).toContain('asked: What list did Russia give to Hamas?');
    expect(page).toContain('004_6c860c4a14f93851.txt');
    // The buttons the bot puts under every answer: 👍 and 👎, no counts yet.
    expect(page.match(/<button class="button secondary"><span class="button-emoji">(👍|👎)<\/span><\/button>/gu)).toEqual([
      '<button class="button secondary"><span class="button-emoji">👍</span></button>',
      '<button class="button secondary"><span class="button-emoji">👎</span></button>',
    ]);
  });

  it('refuses an empty or over-long question in one line, exit code 2', () => {
    for (const question of ['   ', 'x'.repeat(501)]) {
      const result = run(['--out', out, question]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: /);
    }
  });
});
