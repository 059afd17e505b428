/**
 * Per-key fixed-window limiter (spec/API.md decision c; also sign-in and device-code attempts).
 * In memory: with several replicas each enforces the limit on its own share of traffic.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix time in seconds when the window resets. */
  resetAt: number;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private windows = new Map<string, { startedAt: number; count: number }>();
  private lastPrune = 0;

  constructor(private readonly max: number, private readonly windowSeconds: number) {}

  take(key: string, nowMs: number = Date.now()): RateLimitDecision {
    const windowMs = this.windowSeconds * 1000;
    this.prune(nowMs, windowMs);
    let window = this.windows.get(key);
    if (!window || nowMs - window.startedAt >= windowMs) {
      window = { startedAt: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    const resetMs = window.startedAt + windowMs;
    return {
      allowed: window.count <= this.max,
      limit: this.max,
      remaining: Math.max(0, this.max - window.count),
      resetAt: Math.ceil(resetMs / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((resetMs - nowMs) / 1000)),
    };
  }

  /** Takes back one use of `key` in its current window (a sign-in that succeeded, say). */
  forgive(key: string): void {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count--;
  }

  private prune(nowMs: number, windowMs: number): void {
    if (nowMs - this.lastPrune < windowMs) return;
    this.lastPrune = nowMs;
    for (const [key, window] of this.windows) if (nowMs - window.startedAt >= windowMs) this.windows.delete(key);
  }
}
