/** How often idle users are forgotten, so a long-running bot's memory does not grow with every user ever seen. */
const PRUNE_EVERY = 1000;

/** A sliding window per user: at most `limit` questions in any `windowMs`. */
export class RateLimiter {
  private readonly recent = new Map<string, number[]>();
  private calls = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a question and returns 0, or returns the milliseconds until the user may ask again. */
  take(userId: string): number {
    const now = this.now();
    if (++this.calls % PRUNE_EVERY === 0) this.forgetIdle(now);
    const times = (this.recent.get(userId) ?? []).filter((t) => now - t < this.windowMs);
    if (times.length >= this.limit) {
      this.recent.set(userId, times);
      return times[0] + this.windowMs - now;
    }
    times.push(now);
    this.recent.set(userId, times);
    return 0;
  }

  private forgetIdle(now: number): void {
    for (const [user, times] of this.recent) {
      if (times.every((t) => now - t >= this.windowMs)) this.recent.delete(user);
    }
  }
}
