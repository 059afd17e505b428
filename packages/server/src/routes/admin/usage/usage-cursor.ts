import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Storage } from '@boltz/storage';
import { invalidRequest } from '../../../errors.ts';

/**
 * The opaque `page` of GET /admin/usage (spec/API.md §4.2): the key of the last bucket returned,
 * HMAC-signed together with the caller's organization, mode and query, so that a tampered page
 * or one minted for another organization or another query is refused with 400. The key is a
 * server secret shared by every replica through the database.
 */
const SECRET_NAME = 'usage-page-cursor';

/** What a page is bound to: everything that selects the buckets, except the page size. */
export interface CursorBinding {
  organizationId: string;
  mode: string;
  startingAt: string;
  endingAt: string;
  windowSize: string;
  applications: string[];
  groupBy: string[];
  workspaceIds: string[];
}

const secrets = new WeakMap<Storage, Promise<Buffer>>();

function cursorKey(storage: Storage): Promise<Buffer> {
  let key = secrets.get(storage);
  if (!key) {
    key = storage.secrets.getOrCreate(SECRET_NAME, () => randomBytes(32).toString('base64url')).then((value) => Buffer.from(value, 'base64url'));
    // A failed read (database down) must not be cached for the life of the process.
    key.catch(() => secrets.delete(storage));
    secrets.set(storage, key);
  }
  return key;
}

function signature(key: Buffer, payload: string, binding: CursorBinding): Buffer {
  const bound = JSON.stringify([
    binding.organizationId,
    binding.mode,
    binding.startingAt,
    binding.endingAt,
    binding.windowSize,
    [...binding.applications].sort(),
    [...binding.groupBy].sort(),
    [...binding.workspaceIds].sort(),
  ]);
  return createHmac('sha256', key).update(payload).update('\n').update(bound).digest();
}

export async function encodeCursor(storage: Storage, lastKey: string[], binding: CursorBinding): Promise<string> {
  const payload = Buffer.from(JSON.stringify(lastKey)).toString('base64url');
  return `${payload}.${signature(await cursorKey(storage), payload, binding).toString('base64url')}`;
}

/** The bucket key a page continues after; 400 on anything this server did not sign for this query. */
export async function decodeCursor(storage: Storage, page: string, binding: CursorBinding): Promise<string[]> {
  const invalid = () => invalidRequest('page is not a page token of this query', { page: 'is invalid or belongs to another query' });
  const [payload, mac, ...rest] = page.split('.');
  if (!payload || !mac || rest.length > 0) throw invalid();
  const expected = signature(await cursorKey(storage), payload, binding);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!Array.isArray(key) || !key.every((part) => typeof part === 'string')) throw invalid();
  return key;
}
