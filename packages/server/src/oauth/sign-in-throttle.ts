import { RateLimiter } from '../auth/rate-limiter.ts';

/**
 * Starts an attempt under `limiter`: undefined when allowed, else the seconds until `key` may
 * try again. An attempt counts from when it starts, so parallel guesses cannot all slip past
 * the check; a refused one does not count, and a successful one is forgiven (`forgive`), so
 * that only failures add up.
 */
export function beginAttempt(limiter: RateLimiter, key: string): number | undefined {
  const decision = limiter.take(key);
  if (decision.allowed) return undefined;
  limiter.forgive(key);
  return decision.retryAfterSeconds;
}

/**
 * How many failed sign-ins one client address may make, over all the emails it tries, for
 * each one it may make against a single email: password spraying from one address is bounded
 * too, while only that address is slowed down.
 */
const ADDRESS_ATTEMPTS_PER_EMAIL_ATTEMPT = 10;

/**
 * Sign-in throttling keyed on the client address and the email together: an attacker's wrong
 * passwords lock out the attacker's address for that account (and, at ten times the limit,
 * for every account), never the user signing in from elsewhere (issue 11).
 */
export class SignInThrottle {
  private readonly byAddressAndEmail: RateLimiter;
  private readonly byAddress: RateLimiter;

  constructor(limits: { max: number; windowSeconds: number }) {
    this.byAddressAndEmail = new RateLimiter(limits.max, limits.windowSeconds);
    this.byAddress = new RateLimiter(limits.max * ADDRESS_ATTEMPTS_PER_EMAIL_ATTEMPT, limits.windowSeconds);
  }

  /** Undefined when the attempt may go ahead, else the seconds to wait. */
  begin(ip: string, email: string): number | undefined {
    const pair = `${ip} ${email}`;
    const waitForPair = beginAttempt(this.byAddressAndEmail, pair);
    if (waitForPair !== undefined) return waitForPair;
    const waitForAddress = beginAttempt(this.byAddress, ip);
    if (waitForAddress !== undefined) this.byAddressAndEmail.forgive(pair);
    return waitForAddress;
  }

  succeeded(ip: string, email: string): void {
    this.byAddressAndEmail.forgive(`${ip} ${email}`);
    this.byAddress.forgive(ip);
  }
}
