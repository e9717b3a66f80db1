/** A sliding window per user: at most `limit` questions in any `windowMs`. */
export class RateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a question and returns 0, or returns the milliseconds until the user may ask again. */
  take(userId: string): number {
    const now = this.now();
    const times = (this.recent.get(userId) ?? []).filter((t) => now - t < this.windowMs);
    if (times.length >= this.limit) {
      this.recent.set(userId, times);
      return times[0] + this.windowMs - now;
    }
    times.push(now);
    this.recent.set(userId, times);
    return 0;
  }
}
