/**
 * Failed password and code attempts, counted in fixed windows per key. An attempt counts from
 * when it starts (so parallel guesses cannot all slip past the check) and is forgiven when it
 * succeeds, so that only failures add up. In memory: each replica counts what it receives.
 */
export class AttemptLimiter {
  private windows = new Map<string, { startedAt: number; count: number }>();
  private lastPrune = 0;

  constructor(
    private readonly max: number,
    private readonly windowSeconds: number,
  ) {}

  /** Starts an attempt; undefined when allowed, else the seconds until the key may try again. */
  begin(key: string, nowMs = Date.now()): number | undefined {
    const windowMs = this.windowSeconds * 1000;
    this.prune(nowMs, windowMs);
    let window = this.windows.get(key);
    if (!window || nowMs - window.startedAt >= windowMs) {
      window = { startedAt: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.max) return Math.max(1, Math.ceil((window.startedAt + windowMs - nowMs) / 1000));
    window.count++;
    return undefined;
  }

  /** The attempt begun for `key` succeeded: it does not count. */
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

/**
 * How many failed sign-ins one client address may make, over all the emails it tries, for
 * each one it may make against a single email: password spraying from one address is bounded
 * too, while only that address is slowed down.
 */
export const ADDRESS_ATTEMPTS_PER_EMAIL_ATTEMPT = 10;

/**
 * Sign-in throttling keyed on the client address and the email together: an attacker's wrong
 * passwords lock out the attacker's address for that account (and, at ten times the limit,
 * for every account), never the user signing in from elsewhere (issue 11).
 */
export class SignInThrottle {
  private readonly byAddressAndEmail: AttemptLimiter;
  private readonly byAddress: AttemptLimiter;

  constructor(limits: { max: number; windowSeconds: number }) {
    this.byAddressAndEmail = new AttemptLimiter(limits.max, limits.windowSeconds);
    this.byAddress = new AttemptLimiter(limits.max * ADDRESS_ATTEMPTS_PER_EMAIL_ATTEMPT, limits.windowSeconds);
  }

  /** Undefined when the attempt may go ahead, else the seconds to wait. */
  begin(ip: string, email: string): number | undefined {
    const pair = `${ip} ${email}`;
    const waitForPair = this.byAddressAndEmail.begin(pair);
    if (waitForPair !== undefined) return waitForPair;
    const waitForAddress = this.byAddress.begin(ip);
    if (waitForAddress !== undefined) this.byAddressAndEmail.forgive(pair);
    return waitForAddress;
  }

  succeeded(ip: string, email: string): void {
    this.byAddressAndEmail.forgive(`${ip} ${email}`);
    this.byAddress.forgive(ip);
  }
}
