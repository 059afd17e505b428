import { hash } from 'node:crypto';
import { randomBase62 } from './ids.ts';

/** API key format (spec/API.md §2.2): `sk_bc_<scope>_<mode>_<secret>`. */
export type KeyType = 'admin' | 'workspace';
export type Mode = 'live' | 'test';

export const KEY_SECRET_LENGTH = 40;
export const KEY_PREFIX_LENGTH = 12;

const SCOPE_OF_TYPE: Record<KeyType, string> = { admin: 'admin', workspace: 'ws' };

export function apiKeyPrefixFor(keyType: KeyType, mode: Mode): string {
  return `sk_bc_${SCOPE_OF_TYPE[keyType]}_${mode}_`;
}

// Accepts 32-128 secret characters so that operators may register keys they generated
// themselves (bootstrap variables); keys we mint always have 40.
const KEY_PATTERN = /^sk_bc_(admin|ws)_(live|test)_([0-9A-Za-z]{32,128})$/;

export interface ParsedApiKey {
  keyType: KeyType;
  mode: Mode;
}

export function parseApiKey(key: string): ParsedApiKey | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  return { keyType: match[1] === 'admin' ? 'admin' : 'workspace', mode: match[2] as Mode };
}

export function generateApiKey(keyType: KeyType, mode: Mode): string {
  return apiKeyPrefixFor(keyType, mode) + randomBase62(KEY_SECRET_LENGTH);
}

/**
 * Keys are random and high-entropy, so a fast hash is the right tool (DESIGN.md). It runs on
 * every authenticated request: the one-shot `hash` is about twice as fast as `createHash`.
 */
export function hashApiKey(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}
