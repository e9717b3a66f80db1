/**
 * How an answer is laid out for Discord and for the command line, on made-up answers: what leads, what each embed
 * holds, what the closing line says, what gives way to the reading budget, and Discord's limits on extreme input.
 */
import { describe, expect, it } from 'vitest';
import { formatAnswerText, layoutAnswer, layoutSize, NOT_IN_CORPUS, READING_BUDGET_CHARS, snippetText } from '../src/answer/format-text.js';
import { snippetOf } from '../src/answer/snippet.js';
import { ANSWER_SENTENCE, answer, citation } from './helpers/made-up-answer.js';
import { LIMITS } from '../src/bot/discord-limits.js';
import { CUT_NOTE, renderAnswer } from '../src/bot/render-answer.js';
import { visibleLength } from '../src/preview/visible-text.js';
import { boldMarkers, expectMessageWithinLimits } from './helpers/discord-limits-check.js';

describe('renderAnswer', () => {
  it('leads with the answering sentence quoted and numbered, then one embed per citation', () => {
    const a = answer([citation(1), citation(2)]);
    const { content, embeds } = renderAnswer(a);
    const lines = content.split('\n');
    expect(lines[0]).toBe(`> ${ANSWER_SENTENCE(1)} [1]`);
    expect(lines[1]).toBe(`> ${ANSWER_SENTENCE(2)} [2]`);
    expect(lines[2]).toBe('-# as of 4 Nov 2024, 5 articles');
    expect(content).not.toMatch(/Q:/);
    expect(embeds).toHaveLength(2);
    embeds.forEach((e, i) => {
      const n = i + 1;
      expect(e.title).toBe(`[${n}] Title ${n}`);
      expect(e.description).toBe(`Before sentence ${n}. **${ANSWER_SENTENCE(n)}** After sentence ${n}.`);
      expect(e.footer?.text).toBe(`${n % 2 ? '4 Nov 2024' : 'undated'} · 00${n}_abc.txt`);
      expect(e.url).toBeUndefined();
      expect(e.fields).toBeUndefined();
    });
  });

  it('shows no score and no model name anywhere', () => {
    const text = JSON.stringify(renderAnswer(answer([citation(1, { score: 0.777 }), citation(2, { score: 0.666 })])));
    expect(text).not.toContain('0.777');
    expect(text).not.toContain('0.666');
    expect(text).not.toContain('glove');
    expect(text).not.toMatch(/score/i);
  });

  it('links the embed title to the article only for a web address', () => {
    const urls: Array<[string | null, string | undefined]> = [
      ['https://example.org/news/1?a=b', 'https://example.org/news/1?a=b'],
      ['http://example.org', 'http://example.org/'],
      ['javascript:alert(1)', undefined],
      ['ftp://example.org/file', undefined],
      ['not a url', undefined],
      [null, undefined],
    ];
    for (const [url, expected] of urls) expect(renderAnswer(answer([citation(1, { url })])).embeds[0].url).toBe(expected);
  });

  it('says what was searched for and how fresh the articles are, and what was asked when asked', () => {
    const a = answer([citation(1)], { question: 'what did lavrov say about hezbolla', searchedFor: 'lavrov hezbollah' });
    const closing = (showQuestion: boolean) => renderAnswer(a, { showQuestion }).content.split('\n').at(-1);
    expect(closing(false)).toBe('-# searched for: lavrov hezbollah · as of 4 Nov 2024, 5 articles');
    expect(closing(true)).toBe('-# asked: what did lavrov say about hezbolla · searched for: lavrov hezbollah · as of 4 Nov 2024, 5 articles');
    expect(renderAnswer(answer([citation(1)], { asOf: { date: null, articles: 1 } })).content.split('\n').at(-1)).toBe('-# 1 article');
  });

  it('says so in plain words, without embeds, when nothing answers', () => {
    const a = answer([], { question: 'What is the price of Bitcoin today?' });
    expect(renderAnswer(a)).toEqual({ content: `${NOT_IN_CORPUS}\n-# as of 4 Nov 2024, 5 articles`, embeds: [] });
    expect(renderAnswer(a, { showQuestion: true }).content).toBe(
      `${NOT_IN_CORPUS}\n-# asked: What is the price of Bitcoin today? · as of 4 Nov 2024, 5 articles`,
    );
    expect(NOT_IN_CORPUS).not.toMatch(/corpus/i);
  });

  it('quotes article text rather than formatting it', () => {
    const highlight = 'He said **all** of it, _twice_, and [this](https://evil.example) too.';
    const c = citation(1, { title: 'A *starred* title', excerpt: `Intro. ${highlight}`, highlight });
    const { content, embeds } = renderAnswer(answer([c]));
    expect(content.split('\n')[0]).toBe('> He said \\*\\*all\\*\\* of it, \\_twice\\_, and \\[this](https://evil.example) too. [1]');
    expect(embeds[0].title).toBe('[1] A \\*starred\\* title');
    expect(embeds[0].description).toBe('Intro. **He said \\*\\*all\\*\\* of it, \\_twice\\_, and \\[this](https://evil.example) too.**');
    expect(boldMarkers(embeds[0].description!.replace(/\\\*\\\*/g, ''))).toBe(2);
  });

  it('gives way to the reading budget: later quotes, then the quoted card’s snippet, then the others’', () => {
    const long = (n: number) => `Lavrov said ${'that the talks would go on for a long time '.repeat(4)}number ${n}.`;
    const context = 'Context came first here.';
    const title = 'A title as long as a derived title may be, eighty characters or thereabouts…';
    const many = [1, 2, 3].map((n) => citation(n, { title, excerpt: `${context} ${long(n)} ${context}`, highlight: long(n) }));
    const full = layoutAnswer(answer(many), { readingBudget: 100_000 });
    expect(full.quotes.map((q) => q.n)).toEqual([1, 2, 3]);
    expect(full.cards.every((c) => c.snippet.before && c.snippet.after)).toBe(true);

    const contextChars = (layout: typeof full) => layout.cards.reduce((n, c) => n + c.snippet.before.length + c.snippet.after.length, 0);
    // Quotes of later citations go first, context stays.
    const middle = layoutAnswer(answer(many), { readingBudget: layoutSize(full) - 1 });
    expect(middle.quotes.length).toBeLessThan(3);
    expect(contextChars(middle)).toBe(contextChars(full));

    // Then the snippet of the card the lead quotes shrinks; the other cards keep their sentence and context.
    const tight = layoutAnswer(answer(many));
    expect(layoutSize(full)).toBeGreaterThan(READING_BUDGET_CHARS);
    expect(layoutSize(tight)).toBeLessThanOrEqual(READING_BUDGET_CHARS);
    expect(tight.quotes).toEqual([{ n: 1, text: long(1) }]); // the best answer stays whole in the lead
    expect(tight.cards.map((c) => c.n)).toEqual([1, 2, 3]); // every citation keeps its card
    expect(snippetText(tight.cards[0].snippet).length).toBeLessThan(snippetText(full.cards[0].snippet).length);
    expect(tight.cards.slice(1)).toEqual(full.cards.slice(1));
    expect(contextChars(tight)).toBeLessThan(contextChars(middle));

    // Last, the cards' sentences are cut at word boundaries; the lead still quotes the best one whole.
    const tiny = layoutAnswer(answer(many), { readingBudget: 800 });
    expect(tiny.quotes).toEqual([{ n: 1, text: long(1) }]);
    for (const c of tiny.cards) {
      expect(c.snippet.answer.endsWith('…')).toBe(true);
      expect(long(c.n).startsWith(c.snippet.answer.slice(0, -1))).toBe(true);
    }
  });

  it('keeps every Discord limit for huge titles, excerpts and questions, 1 to 5 citations', () => {
    const long = (n: number) => 'Lavrov spoke at length about the war in the region. '.repeat(n);
    for (let k = 1; k <= 5; k++) {
      const citations = Array.from({ length: k }, (_, i) => {
        const highlight = `Lavrov said answer ${i} ${long(20)}`.trim();
        return citation(i + 1, { title: long(40), excerpt: `${long(100)} ${highlight} ${long(100)}`, highlight, url: `https://example.org/${'a'.repeat(3000)}` });
      });
      for (const showQuestion of [false, true]) {
        const rendered = renderAnswer(answer(citations, { question: 'why '.repeat(125).trim(), searchedFor: 'word '.repeat(100) }), { showQuestion });
        expectMessageWithinLimits(rendered);
        expect(rendered.embeds).toHaveLength(k);
        rendered.embeds.forEach((e) => expect(e.title!.length).toBeLessThanOrEqual('[5] '.length + 80));
        // The layout's own bounds kept it within Discord's limits: nothing was cut for them.
        expect(rendered.content).not.toContain(CUT_NOTE);
      }
    }
    expect(renderAnswer(answer([], { question: 'q'.repeat(5_000) }), { showQuestion: true }).content.length).toBeLessThanOrEqual(LIMITS.content);
  });

  it('says in its closing line when Discord’s limits cut something, and only then', () => {
    // A snippet far over the layout's own budget (made with another budget) meets Discord's 4,096-character limit.
    const huge = 'Lavrov spoke at length about the war. '.repeat(200);
    const over = { ...citation(1), excerpt: huge, highlight: huge, snippet: snippetOf(huge, huge, 10_000) };
    const rendered = renderAnswer(answer([over]));
    expectMessageWithinLimits(rendered);
    expect(rendered.embeds[0].description!.length).toBeLessThanOrEqual(LIMITS.description);
    expect(rendered.content.split('\n').at(-1)).toBe(`-# as of 4 Nov 2024, 5 articles · ${CUT_NOTE}`);
    expect(renderAnswer(answer([citation(1)])).content).not.toContain(CUT_NOTE);
  });

  it('measures what a reader sees, markup aside', () => {
    const rendered = renderAnswer(answer([citation(1)]));
    const expected = [
      `${ANSWER_SENTENCE(1)} [1]`,
      'as of 4 Nov 2024, 5 articles',
      '[1] Title 1',
      `Before sentence 1. ${ANSWER_SENTENCE(1)} After sentence 1.`,
      '4 Nov 2024 · 001_abc.txt',
    ].join('');
    expect(visibleLength(rendered)).toBe(expected.length);
  });
});

describe('formatAnswerText', () => {
  it('prints the same layout as plain text: quotes, cards with the sentence in bold, closing line', () => {
    const a = answer([citation(1, { url: 'https://example.org/a' }), citation(2)], { searchedFor: 'lavrov' });
    expect(formatAnswerText(a)).toBe(
      [
        `> ${ANSWER_SENTENCE(1)} [1]`,
        `> ${ANSWER_SENTENCE(2)} [2]`,
        '',
        '[1] Title 1 — 4 Nov 2024 · 001_abc.txt',
        '    https://example.org/a',
        `    Before sentence 1. **${ANSWER_SENTENCE(1)}** After sentence 1.`,
        '',
        '[2] Title 2 — undated · 002_abc.txt',
        `    Before sentence 2. **${ANSWER_SENTENCE(2)}** After sentence 2.`,
        '',
        'asked: What did Lavrov say? · searched for: lavrov · as of 4 Nov 2024, 5 articles',
      ].join('\n'),
    );
    expect(formatAnswerText(answer([]))).toBe(`${NOT_IN_CORPUS}\n\nasked: What did Lavrov say? · as of 4 Nov 2024, 5 articles`);
  });
});
