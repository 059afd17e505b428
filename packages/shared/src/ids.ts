import { randomBytes } from 'node:crypto';

/**
 * Time-sortable resource ids (spec/API.md §7.7): `<prefix><20 base62 chars>`, the first 8
 * encoding milliseconds since the epoch and the last 12 random, incremented within one
 * millisecond so that lexical order equals creation order inside a process.
 */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const TIME_CHARS = 8;
const RANDOM_CHARS = 12;

export const ID_PREFIXES = {
  organization: 'org_',
  workspace: 'ws_',
  apiKey: 'key_',
  user: 'user_',
  file: 'file_',
} as const;

let lastMillis = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    out = BASE62[ms % 62] + out;
    ms = Math.floor(ms / 62);
  }
  return out;
}

function freshRandomDigits(): number[] {
  // 62 does not divide 256: rejection sampling keeps the digits uniform.
  const digits: number[] = [];
  while (digits.length < RANDOM_CHARS) {
    for (const byte of randomBytes(RANDOM_CHARS * 2)) {
      if (byte < 248 && digits.length < RANDOM_CHARS) digits.push(byte % 62);
    }
  }
  return digits;
}

function incremented(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 61) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return next;
}

export function newId(prefix: string, now: number = Date.now()): string {
  if (now <= lastMillis) {
    lastRandom = incremented(lastRandom);
    now = lastMillis;
  } else {
    lastMillis = now;
    lastRandom = freshRandomDigits();
  }
  return prefix + encodeTime(now) + lastRandom.map((d) => BASE62[d]).join('');
}

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * A new id that sorts after `previous` (same prefix): the fresh time-based id when the clock has
 * moved past it, else `previous` incremented. Rows a job produces keep their order even when the
 * runner that continues the job runs on a host whose clock is behind.
 */
export function nextIdAfter(prefix: string, previous: string | undefined): string {
  const fresh = newId(prefix);
  if (previous === undefined || !previous.startsWith(prefix) || fresh > previous) return fresh;
  const digits = [...previous.slice(prefix.length)].map((char) => BASE62.indexOf(char));
  return prefix + incremented(digits).map((d) => BASE62[d]).join('');
}
