/** What Discord checks on a message, for tests of anything the bot sends. */
import type { APIEmbed } from 'discord.js';
import { expect } from 'vitest';
import { LIMITS } from '../../src/bot/discord-limits.js';

export const boldMarkers = (s: string) => s.match(/\*\*/g)?.length ?? 0;
export const codePoints = (s: string) => [...s].length;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Everything Discord checks on a message's embeds (it counts code points; UTF-16 length is never smaller). */
export function expectWithinLimits(embeds: APIEmbed[], inputs?: APIEmbed[]): void {
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    const texts: Array<[string | undefined, number]> = [
      [e.title, LIMITS.title],
      [e.description, LIMITS.description],
      [e.footer?.text, LIMITS.footer],
      [e.author?.name, LIMITS.author],
      ...(e.fields ?? []).flatMap((f): Array<[string, number]> => [
        [f.name, LIMITS.fieldName],
        [f.value, LIMITS.fieldValue],
      ]),
    ];
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.trim().length).toBeGreaterThan(0); // Discord requires both
      expect(f.value.trim().length).toBeGreaterThan(0);
    }
    for (const [text, max] of texts) {
      if (text === undefined) continue;
      expect(text.length).toBeLessThanOrEqual(max);
      expect(LONE_SURROGATE.test(text)).toBe(false);
      total += codePoints(text);
    }
    // Bold that was balanced stays balanced (random inputs may come unbalanced; they are not repaired).
    const balancedInput = boldMarkers(inputs?.[i].description ?? '') % 2 === 0;
    if (e.description !== undefined && balancedInput) expect(boldMarkers(e.description) % 2).toBe(0);
  }
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
}

/** A whole message: its text within 2,000 characters, its embeds within every embed limit. */
export function expectMessageWithinLimits(message: { content?: string; embeds?: APIEmbed[] }): void {
  expect(codePoints(message.content ?? '')).toBeLessThanOrEqual(LIMITS.content);
  expect(LONE_SURROGATE.test(message.content ?? '')).toBe(false);
  expectWithinLimits(message.embeds ?? []);
}
