/**
 * Discord's per-route rate limits for the stand-in: fixed windows per rule, answered the way Discord answers them —
 * 429 with `retry_after` in the body and Retry-After / X-RateLimit-* headers, the headers that @discordjs/rest reads
 * to wait and retry (it never looks at the body).
 */
import type { RateLimitRule } from './discord-stand-in.js';

export interface RateLimitVerdict {
  /** Headers for the response (announced rules only, plus everything on a 429). */
  headers: Record<string, string>;
  /** Set when the request is refused. */
  refused?: { status: 429; body: { message: string; retry_after: number; global: false } };
}

interface Window {
  startedAt: number;
  used: number;
}

export class RateLimits {
  private readonly windows = new Map<RateLimitRule, Window>();

  constructor(private readonly rules: readonly RateLimitRule[]) {}

  /** Counts the request against every matching rule, or refuses it if one of them is used up. */
  take(request: { method: string; path: string }, now = Date.now()): RateLimitVerdict {
    const matching = this.rules.filter((rule) => rule.matches(request));
    const windows = matching.map((rule) => this.windowFor(rule, now));
    const exhausted = matching.findIndex((rule, i) => windows[i].used >= rule.limit);
    if (exhausted !== -1) {
      const rule = matching[exhausted];
      const resetAfterMs = windows[exhausted].startedAt + rule.windowMs - now;
      const retryAfter = Math.max(0.001, resetAfterMs / 1000);
      return {
        headers: {
          ...rateLimitHeaders(rule, 0, resetAfterMs, now),
          // Discord's Retry-After header is whole seconds; the body carries the exact value.
          'Retry-After': String(Math.ceil(retryAfter)),
          'X-RateLimit-Scope': 'user',
        },
        refused: { status: 429, body: { message: 'You are being rate limited.', retry_after: Number(retryAfter.toFixed(3)), global: false } },
      };
    }
    const headers: Record<string, string> = {};
    matching.forEach((rule, i) => {
      windows[i].used += 1;
      if (rule.announced === false) return;
      const resetAfterMs = windows[i].startedAt + rule.windowMs - now;
      Object.assign(headers, rateLimitHeaders(rule, rule.limit - windows[i].used, resetAfterMs, now));
    });
    return { headers };
  }

  private windowFor(rule: RateLimitRule, now: number): Window {
    let window = this.windows.get(rule);
    if (!window || now >= window.startedAt + rule.windowMs) {
      window = { startedAt: now, used: 0 };
      this.windows.set(rule, window);
    }
    return window;
  }
}

function rateLimitHeaders(rule: RateLimitRule, remaining: number, resetAfterMs: number, now: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(rule.limit),
    'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    'X-RateLimit-Reset': ((now + resetAfterMs) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': (resetAfterMs / 1000).toFixed(3),
    'X-RateLimit-Bucket': rule.bucket,
  };
}
