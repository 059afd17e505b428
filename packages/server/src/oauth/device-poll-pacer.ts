import { createHash } from 'node:crypto';

/**
 * RFC 8628 §3.5: a client polling the token endpoint faster than the advertised `interval`
 * is told `slow_down` (and must add 5 s to its interval). oidc-provider does not pace polls, so
 * the token endpoint asks this first. In memory: each replica paces the polls it receives.
 */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
// Timers drift: a client waiting exactly `interval` may arrive a little early.
const TOLERANCE_MS = 1_000;
const FORGET_AFTER_MS = 30 * 60_000;

export class DevicePollPacer {
  private lastPoll = new Map<string, number>();

  constructor(private readonly intervalSeconds = DEVICE_POLL_INTERVAL_SECONDS) {}

  /** Records the poll; false when it came too soon after the previous one. */
  allow(deviceCode: string, now = Date.now()): boolean {
    const key = createHash('sha256').update(deviceCode).digest('base64url');
    const previous = this.lastPoll.get(key);
    this.lastPoll.set(key, now);
    if (this.lastPoll.size > 10_000) this.prune(now);
    return previous === undefined || now - previous >= this.intervalSeconds * 1000 - TOLERANCE_MS;
  }

  private prune(now: number): void {
    for (const [key, at] of this.lastPoll) if (now - at > FORGET_AFTER_MS) this.lastPoll.delete(key);
  }
}
