import { hash, verify } from '@node-rs/argon2';

/** Password hashes are argon2id (the library's default algorithm) with its recommended cost. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against a real hash when the e-mail is unknown keeps the response time from
// telling an attacker which accounts exist.
const DUMMY_HASH = hash('not-a-real-password-only-for-timing');

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? (await DUMMY_HASH), password);
    return ok && passwordHash !== undefined;
  } catch {
    return false;
  }
}

export const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'must be at most 1024 characters';
  return undefined;
}
