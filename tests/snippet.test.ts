/**
 * The snippet a reader is shown of a citation, and the word-boundary cuts it is made with: budgets, sentence and
 * word boundaries, and what gives way first.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SNIPPET_CHARS, snippetOf, type Snippet } from '../src/answer/snippet.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { keepEnd, keepStart, shortTitle } from '../src/text/cut.js';
import { LONE_SURROGATE } from './helpers/discord-limits-check.js';
import { random } from './helpers/random.js';

const text = (s: Snippet) => `${s.before}${s.answer}${s.after}`;

describe('keepStart / keepEnd', () => {
  const sentence = 'Lavrov said that the ceasefire must hold before talks resume in Doha next week.';

  it('leave text that fits alone', () => {
    expect(keepStart(sentence, sentence.length)).toBe(sentence);
    expect(keepEnd(sentence, sentence.length)).toBe(sentence);
  });

  it('keep whole words and say what was cut with an ellipsis', () => {
    expect(keepStart(sentence, 40)).toBe('Lavrov said that the ceasefire…'); // not "…ceasefire must hol" nor "…must"
    expect(keepEnd(sentence, 30)).toBe('…resume in Doha next week.');
    for (let max = 2; max < sentence.length; max++) {
      const start = keepStart(sentence, max);
      const end = keepEnd(sentence, max);
      expect(start.length).toBeLessThanOrEqual(max);
      expect(end.length).toBeLessThanOrEqual(max);
      expect(start.endsWith('…')).toBe(true);
      expect(end.startsWith('…')).toBe(true);
      // Whole words only, once a word fits.
      if (max > 'Lavrov…'.length) expect(sentence.startsWith(`${start.slice(0, -1)} `)).toBe(true);
      if (max > '…week.'.length) expect(sentence.endsWith(` ${end.slice(1)}`)).toBe(true);
    }
  });

  it('never split an emoji, even inside one long word', () => {
    const word = '😀'.repeat(50);
    for (let max = 1; max < 40; max++) {
      expect(LONE_SURROGATE.test(keepStart(word, max))).toBe(false);
      expect(LONE_SURROGATE.test(keepEnd(word, max))).toBe(false);
      expect(keepStart(word, max).length).toBeLessThanOrEqual(max);
    }
  });
});

describe('shortTitle', () => {
  it('shortens the seeds’ titles to at most 80 characters: a first clause, or whole words ending on a content word', async () => {
    const { documents } = await loadCorpus('corpus');
    expect(documents.map((d) => shortTitle(d.title))).toEqual([
      // No headline: the first sentence, which the loader cut at 120 characters.
      'Russian Foreign Sergey Lavrov has asserted that the ongoing conflict…',
      // A headline a little over the limit.
      'Lavrov: US Military Buildup in the Middle East will lead to a tightening…',
      'Lavrov Advocates Breaking the Cycle of Violence in the Palestinian-Israeli…',
      'Russian Foreign Minister Sergey Lavrov affirmed that Moscow sees it as a top…',
      // A first clause long enough to stand for the article is taken whole.
      'Russia has expressed its concerns regarding Israel’s bombardment of Gaza',
    ]);
  });

  it('keeps short titles and cuts any other within the limit', () => {
    expect(shortTitle('A short headline')).toBe('A short headline');
    expect(shortTitle(`In his remarks, ${'the minister spoke about '.repeat(5)}peace`)).toBe('In his remarks, the minister spoke about the minister spoke about the minister…');
    expect(shortTitle(`${'word '.repeat(30)}end`)).toBe(`${'word '.repeat(15).trim()}…`);
    expect(shortTitle('x'.repeat(200))).toBe(`${'x'.repeat(79)}…`);
    for (let max = 10; max < 120; max++) expect(shortTitle(`${'Lavrov said, in Moscow today, '.repeat(8)}`, max).length).toBeLessThanOrEqual(max);
  });
});

describe('snippetOf', () => {
  const excerpt = [
    'Moscow hosted the talks on Monday.',
    'Lavrov said that an immediate ceasefire was the only way to stop the loss of civilian lives in Gaza.',
    'He added that Russia would keep in touch with all sides.',
    'The talks ended late.',
  ].join(' ');
  const highlight = 'Lavrov said that an immediate ceasefire was the only way to stop the loss of civilian lives in Gaza.';

  it('is the answering sentence with one whole sentence of context each side when they fit', () => {
    expect(snippetOf(excerpt, highlight)).toEqual({
      before: 'Moscow hosted the talks on Monday. ',
      answer: highlight,
      after: ' He added that Russia would keep in touch with all sides.',
    });
  });

  it('takes its context from either side of the highlight, never more than one sentence each', () => {
    const s = snippetOf(`First. Second. ${excerpt} Fifth. Sixth.`, highlight, 1000);
    expect(s.before).toBe('Moscow hosted the talks on Monday. ');
    expect(s.after).toBe(' He added that Russia would keep in touch with all sides.');
  });

  it('keeps within any budget, cutting context at word boundaries before it cuts the answer', () => {
    for (let budget = 20; budget <= 400; budget++) {
      const s = snippetOf(excerpt, highlight, budget);
      const context = JSON.stringify({ budget, s });
      expect(text(s).length, context).toBeLessThanOrEqual(budget);
      if (budget >= highlight.length) expect(s.answer, context).toBe(highlight);
      else expect(s.answer, context).toBe(keepStart(highlight, budget));
      // A cut side keeps whole words next to the answer and shows the cut.
      if (s.before && s.before !== 'Moscow hosted the talks on Monday. ') {
        expect(s.before.startsWith('…'), context).toBe(true);
        expect('Moscow hosted the talks on Monday. '.endsWith(s.before.slice(1)), context).toBe(true);
      }
      if (s.after && s.after !== ' He added that Russia would keep in touch with all sides.') {
        expect(s.after.endsWith('…'), context).toBe(true);
        expect(' He added that Russia would keep in touch with all sides.'.startsWith(s.after.slice(0, -1)), context).toBe(true);
      }
      // Fragments of a word or two say nothing: a cut side keeps several words, or is left out.
      for (const side of [s.before, s.after]) if (side.includes('…')) expect(side.trim().split(' ').length, context).toBeGreaterThanOrEqual(4);
    }
  });

  it('gives a short side’s share to the other side', () => {
    const longAfter = 'He then spoke at length about the history of the negotiations, the parties and the many failed rounds of talks in the past decade.';
    const s = snippetOf(`Talks ended. ${highlight} ${longAfter}`, highlight, 240);
    expect(s.before).toBe('Talks ended. ');
    expect(text(s).length).toBeLessThanOrEqual(240);
    expect(s.after.length).toBeGreaterThan(240 - highlight.length - 'Talks ended. '.length - 10);
  });

  it('reads as one line: newlines and space runs in the article become single spaces', () => {
    const s = snippetOf(`Headline line\n\nMoscow hosted   the talks.\n${highlight}\nNext.`, highlight);
    expect(text(s)).not.toMatch(/\s{2}|\n/);
    expect(s.before).toBe('Moscow hosted the talks. ');
    expect(s.after).toBe(' Next.');
  });

  it('shows the start of the excerpt, unbolded, when the highlight is empty or not in it', () => {
    for (const h of ['', 'A sentence from somewhere else.']) {
      const s = snippetOf(excerpt, h, 60);
      expect(s.answer).toBe('');
      expect(s.before).toBe('');
      expect(s.after).toBe(keepStart(excerpt, 60));
    }
  });

  it('keeps the budget and whole characters on random text (2,000 cases)', () => {
    const next = random(12);
    const pieces = ['Lavrov', 'said', 'the', 'ceasefire', ' ', ' ', '\n', '. ', '! ', '😀', 'é', '“quoted.”', 'x'.repeat(30)];
    for (let i = 0; i < 2_000; i++) {
      let raw = '';
      while (raw.length < next() * 900) raw += pieces[Math.floor(next() * pieces.length)];
      // A highlight is whole characters of the excerpt: slice by code points.
      const chars = [...raw];
      const start = Math.floor(next() * chars.length);
      const h = chars.slice(start, start + Math.floor(next() * 300)).join('').trim();
      const budget = 1 + Math.floor(next() * DEFAULT_SNIPPET_CHARS * 1.5);
      const s = snippetOf(raw, h, budget);
      const context = JSON.stringify({ raw, h, budget, s });
      expect(text(s).length, context).toBeLessThanOrEqual(budget);
      expect(LONE_SURROGATE.test(text(s)), context).toBe(false);
      if (h && h.replace(/\s+/g, ' ').length <= budget) expect(s.answer, context).toBe(h.replace(/\s+/g, ' '));
    }
  });
});
