/**
 * Unit tests of the bot's pure parts: Discord's size limits, the per-user rate limit and configuration. (How an
 * answer is laid out for Discord: tests/render-answer.test.ts.)
 */
import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig } from '../src/bot/config.js';
import { fitEmbeds, LIMITS, truncate } from '../src/bot/discord-limits.js';
import { RateLimiter } from '../src/bot/rate-limiter.js';
import { withoutDiscordMarkup } from '../src/bot/ask-flow.js';
import { boldMarkers, expectWithinLimits, LONE_SURROGATE } from './helpers/discord-limits-check.js';
import { random } from './helpers/random.js';

const PIECES = ['Lavrov', 'said', 'the', 'ceasefire', ' ', ' ', ' ', '**', '*', '\n', '. ', 'é', '😀', '—', '`', 'x'.repeat(40)];

function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}


// ---------------------------------------------------------------------------------------------------------------

describe('truncate', () => {
  it('leaves text that fits alone', () => {
    for (const text of ['', 'abc', '**bold**', 'x'.repeat(2000)]) expect(truncate(text, 2000)).toBe(text);
    expect(truncate('abcd', 4)).toBe('abcd');
  });

  it('cuts to at most max, ending with an ellipsis, at a word boundary when one is near', () => {
    const text = 'Lavrov said that the ceasefire must hold. '.repeat(50);
    for (const max of [10, 50, 99, 256, 1024]) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith('…')).toBe(true);
      const kept = cut.slice(0, -1);
      expect(text.startsWith(kept)).toBe(true);
      if (max >= 50) expect([' ', undefined]).toContain(text[kept.length]); // no half word
      if (max >= 50) expect(kept.length).toBeGreaterThan(max * 0.75); // but not much shorter than needed
    }
  });

  it('closes a bold run it cuts through', () => {
    const cut = truncate(`Intro. **${'The answering sentence goes on and on. '.repeat(10)}** Outro.`, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(boldMarkers(cut)).toBe(2);
    expect(cut).toMatch(/\*\*…$/);
  });

  it('keeps the limit, balanced bold and whole characters for any input (10,000 random cases)', () => {
    const next = random(2024);
    for (let i = 0; i < 10_000; i++) {
      const text = randomText(next, Math.floor(next() * 600));
      const max = 1 + Math.floor(next() * 400);
      const cut = truncate(text, max);
      const context = JSON.stringify({ text, max, cut });
      expect(cut.length, context).toBeLessThanOrEqual(max);
      expect(LONE_SURROGATE.test(cut), context).toBe(false);
      if (text.length <= max) {
        expect(cut, context).toBe(text);
      } else {
        expect(cut.endsWith('…'), context).toBe(true);
        // Only unbalanced input may stay unbalanced: a cut never opens a bold run it does not close.
        if (boldMarkers(text) % 2 === 0) expect(boldMarkers(cut) % 2, context).toBe(0);
      }
    }
  });

  it('handles huge inputs quickly', () => {
    const huge = `**${'word '.repeat(400_000)}**`;
    const started = performance.now();
    const cut = truncate(huge, LIMITS.description);
    expect(performance.now() - started).toBeLessThan(200);
    expect(cut.length).toBeLessThanOrEqual(LIMITS.description);
    expect(boldMarkers(cut)).toBe(2);
  });
});

describe('fitEmbeds', () => {
  it('leaves embeds that already fit unchanged', () => {
    const embeds: APIEmbed[] = [
      { title: '[1] A title', description: 'Some **bold** text', footer: { text: 'score 0.812' }, fields: [{ name: 'Date', value: '2024-11-04', inline: true }] },
      { title: '[2] Another', description: 'More text' },
    ];
    expect(fitEmbeds(embeds)).toEqual(embeds);
  });

  it('keeps every Discord limit with huge values in every field', () => {
    const huge = (n: number) => 'word '.repeat(n / 5);
    const embeds: APIEmbed[] = Array.from({ length: 12 }, (_, i) => ({
      title: huge(10_000),
      description: `${huge(3_000)}**${huge(9_000)}**${huge(3_000)}`,
      footer: { text: huge(10_000) },
      author: { name: huge(10_000) },
      fields: Array.from({ length: 30 }, (_, j) => ({ name: `${i}.${j} ${huge(5_000)}`, value: huge(5_000), inline: true })),
      color: i,
    }));
    const fitted = fitEmbeds(embeds);
    expect(fitted).toHaveLength(LIMITS.embeds);
    expectWithinLimits(fitted);
    expect(fitted.map((e) => e.color)).toEqual(embeds.slice(0, LIMITS.embeds).map((e) => e.color));
  });

  it('shortens descriptions, latest embed first, to fit the 6,000 total; every description stays balanced', () => {
    const description = (n: number) => `Before. **${'The sentence that answers. '.repeat(n)}** After.`;
    const embeds: APIEmbed[] = Array.from({ length: 5 }, (_, i) => ({
      title: `[${i + 1}] Title`,
      description: description(60 + i),
      fields: [{ name: 'Source', value: `\`corpus/00${i}.txt\`` }],
      footer: { text: 'score 0.700 · glove-sif-100d' },
    }));
    const fitted = fitEmbeds(embeds);
    expectWithinLimits(fitted);
    expect(fitted[0].description).toBe(embeds[0].description); // the first (best) citation is kept whole
    expect(fitted[4].description!.length).toBeLessThan(embeds[4].description!.length);
    // Only descriptions were shortened.
    fitted.forEach((e, i) => expect({ ...e, description: undefined }).toEqual({ ...embeds[i], description: undefined }));
  });

  it('keeps every limit for random embeds (500 random cases)', () => {
    const next = random(7);
    for (let i = 0; i < 500; i++) {
      const text = (max: number) => randomText(next, Math.floor(next() * max));
      const embeds: APIEmbed[] = Array.from({ length: Math.floor(next() * 13) }, () => ({
        title: text(400),
        description: text(6000),
        footer: { text: text(3000) },
        fields: Array.from({ length: Math.floor(next() * 4) }, () => ({ name: `n${text(300)}`, value: `v${text(1500)}` })),
      }));
      expectWithinLimits(fitEmbeds(embeds), embeds);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('RateLimiter', () => {
  it('allows `limit` questions in any window, says how long to wait, and does not count refusals', () => {
    let now = 10_000;
    const limiter = new RateLimiter(2, 1_000, () => now);
    expect(limiter.take('alice')).toBe(0);
    now += 100;
    expect(limiter.take('alice')).toBe(0);
    now += 100;
    expect(limiter.take('alice')).toBe(800); // until her first question leaves the window
    expect(limiter.take('bob')).toBe(0); // users are independent
    now += 799;
    expect(limiter.take('alice')).toBe(1);
    now += 1; // exactly one window after the first question
    expect(limiter.take('alice')).toBe(0);
    now += 50; // window holds t=10100 and t=11000; the refusals at 10200 and 10999 did not count
    expect(limiter.take('alice')).toBe(50);
    now += 50;
    expect(limiter.take('alice')).toBe(0);
  });

  it('matches a brute-force sliding window over random traffic, and the wait it names is exact', () => {
    const next = random(99);
    const limit = 3;
    const windowMs = 1_000;
    let now = 0;
    const limiter = new RateLimiter(limit, windowMs, () => now);
    const accepted: Record<string, number[]> = { a: [], b: [] };
    for (let i = 0; i < 2_000; i++) {
      now += Math.floor(next() * 200);
      const user = next() < 0.7 ? 'a' : 'b';
      const inWindow = accepted[user].filter((t) => now - t < windowMs);
      const wait = limiter.take(user);
      if (inWindow.length < limit) {
        expect(wait).toBe(0);
        accepted[user].push(now);
      } else {
        expect(wait).toBe(inWindow[0] + windowMs - now);
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(windowMs);
      }
    }
    expect(accepted.a.length).toBeGreaterThan(100);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('loadBotConfig', () => {
  const SECRET = 'secret-token-value';
  const GUILD = '123456789012345678';
  const ROLE_A = '223456789012345678';
  const ROLE_B = '32345678901234567890';

  it('reads every setting, with defaults for the optional ones', () => {
    const defaults = loadBotConfig({ DISCORD_TOKEN: SECRET });
    expect(defaults).toMatchObject({
      token: SECRET,
      guildId: null,
      moderatorRoleIds: [],
      answerChannelIds: [],
      rateLimit: { questions: 5, windowSeconds: 30 },
      maxQuestionChars: 500,
      logLevel: 'info',
      databasePath: '.data/newsdesk.sqlite',
      core: { corpusDir: 'corpus', indexDir: 'embeddings' },
    });
    const full = loadBotConfig({
      DISCORD_TOKEN: `  ${SECRET}\n`,
      DISCORD_GUILD_ID: GUILD,
      MODERATOR_ROLE_IDS: ` ${ROLE_A} , ${ROLE_B},`,
      ANSWER_CHANNEL_IDS: GUILD,
      RATE_LIMIT_QUESTIONS: '2',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      LOG_LEVEL: 'debug',
      CORPUS_DIR: 'articles',
      INDEX_DIR: 'idx',
      DATABASE_PATH: ' var/feedback.sqlite ',
    });
    expect(full).toMatchObject({
      token: SECRET,
      guildId: GUILD,
      moderatorRoleIds: [ROLE_A, ROLE_B],
      answerChannelIds: [GUILD],
      rateLimit: { questions: 2, windowSeconds: 60 },
      logLevel: 'debug',
      databasePath: 'var/feedback.sqlite',
      core: { corpusDir: 'articles', indexDir: 'idx' },
    });
  });

  it('refuses a DATABASE_PATH that would lose every vote at a restart: a folder, :memory:, a file: URI', () => {
    for (const value of ['var/feedback/', 'src', ':memory:', 'file:feedback.sqlite?mode=memory']) {
      expect(() => loadBotConfig({ DISCORD_TOKEN: SECRET, DATABASE_PATH: value }), value).toThrow(
        /^DATABASE_PATH must name a database file \(e\.g\. \.data\/newsdesk\.sqlite\), not a folder, :memory: or a file: URI\.$/,
      );
    }
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['DISCORD_TOKEN', {}],
    ['DISCORD_TOKEN', { DISCORD_TOKEN: '   ' }],
    ['DISCORD_TOKEN', { DISCORD_TOKEN: `${SECRET} ${SECRET}` }],
    ['DISCORD_GUILD_ID', { DISCORD_GUILD_ID: '12345' }],
    ['DISCORD_GUILD_ID', { DISCORD_GUILD_ID: SECRET }],
    ['MODERATOR_ROLE_IDS', { MODERATOR_ROLE_IDS: `${ROLE_A},moderators` }],
    ['MODERATOR_ROLE_IDS', { MODERATOR_ROLE_IDS: SECRET }],
    ['ANSWER_CHANNEL_IDS', { ANSWER_CHANNEL_IDS: '#general' }],
    ['RATE_LIMIT_QUESTIONS', { RATE_LIMIT_QUESTIONS: '0' }],
    ['RATE_LIMIT_QUESTIONS', { RATE_LIMIT_QUESTIONS: '2.5' }],
    ['RATE_LIMIT_QUESTIONS', { RATE_LIMIT_QUESTIONS: SECRET }],
    ['RATE_LIMIT_WINDOW_SECONDS', { RATE_LIMIT_WINDOW_SECONDS: '-1' }],
    ['RATE_LIMIT_WINDOW_SECONDS', { RATE_LIMIT_WINDOW_SECONDS: '86401' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['LOG_LEVEL', { LOG_LEVEL: SECRET }],
    ['DATABASE_PATH', { DATABASE_PATH: `${SECRET}/` }],
  ];

  it.each(bad)('names %s and never repeats the token or the bad value (%o)', (name, settings) => {
    const env = { DISCORD_TOKEN: SECRET, ...settings };
    if (!('DISCORD_TOKEN' in settings) && name === 'DISCORD_TOKEN') delete (env as Record<string, string>).DISCORD_TOKEN;
    let error: unknown;
    try {
      loadBotConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain(SECRET);
    expect(message.split('\n')).toHaveLength(1);
    for (const value of Object.values(settings)) if (value.trim().length > 3) expect(message).not.toContain(value.trim());
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('withoutDiscordMarkup', () => {
  it('drops user, role and channel mentions and @everyone/@here, keeping the words', () => {
    expect(withoutDiscordMarkup('@everyone <@123456789012345678> <@!123456789012345678> what did <@&223456789012345678> say in <#323456789012345678>? @here').replace(/\s+/g, ' ').trim()).toBe(
      'what did say in ?',
    );
    expect(withoutDiscordMarkup('email me@here.com')).toBe('email me@here.com');
  });
});

describe('RateLimiter memory', () => {
  it('forgets users whose questions have all left the window', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1000, () => now);
    for (let i = 0; i < 999; i++) limiter.take(`user-${i}`);
    now = 5000;
    limiter.take('late-user'); // the 1000th call sweeps
    const recent = (limiter as unknown as { recent: Map<string, number[]> }).recent;
    expect([...recent.keys()]).toEqual(['late-user']);
    expect(limiter.take('late-user')).toBeGreaterThan(0);
  });
});
