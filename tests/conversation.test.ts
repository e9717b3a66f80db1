import { escapeMarkdown } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { threadName, THREAD_NAME_MAX_CHARS } from '../src/bot/answer-in-thread.js';
import { echoedQuestion } from '../src/bot/conversation.js';

describe('the question an answer echoes', () => {
  it('reads "asked" first, then "searched for", unescaping Discord Markdown', () => {
    const question = 'What did *Hurriyet* say about_Lavrov?';
    expect(echoedQuestion(`> quote [1]\n-# asked: ${escapeMarkdown(question)} · searched for: lavrov · as of 4 Nov 2024, 5 articles`)).toBe(question);
    expect(echoedQuestion('> quote [1]\n-# searched for: What did Lavrov say about Iran? · as of 4 Nov 2024, 5 articles')).toBe('What did Lavrov say about Iran?');
  });

  it('is null without a closing line, with only the date, or when the echo was cut', () => {
    expect(echoedQuestion('> quote [1]')).toBeNull();
    expect(echoedQuestion('> quote [1]\n-# as of 4 Nov 2024, 5 articles')).toBeNull();
    expect(echoedQuestion('> quote [1]\n-# asked: What did Lavrov say about the long… · as of 4 Nov 2024, 5 articles')).toBeNull();
  });
});

describe('thread names', () => {
  it('are the question, cut at a word boundary to Discord’s 100 characters', () => {
    expect(threadName('What did Lavrov say about Iran?')).toBe('What did Lavrov say about Iran?');
    const long = `What did Lavrov say about ${'the conflict in the region and '.repeat(5)}Iran?`;
    const name = threadName(long);
    expect(name.length).toBeLessThanOrEqual(THREAD_NAME_MAX_CHARS);
    expect(name).toMatch(/\S…$/);
    expect(long.startsWith(name.slice(0, -1))).toBe(true);
  });
});
