import { openSync, closeSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePrivateDirectory } from './files.ts';

const WAIT_LIMIT_MS = 30_000;
const RETRY_MS = 50;
/** Longer than any refresh or save takes (the OAuth HTTP timeout is 15 s). */
const STALE_AFTER_MS = 120_000;

/** The lock could not be taken: another process holds it too long, or the cache directory is unusable. */
export class SessionLockError extends Error {}

/**
 * The exclusive session lock (CLI.md §6.5, §6.6): refreshes, logins and logouts of concurrent
 * boltz-api processes take turns, so a rotated refresh token is never used twice. Node has no
 * flock(2), so the lock is the file itself, created exclusively and holding the owner's pid; a
 * file whose owner is gone (crash), that names no pid (left behind by the official CLI, which
 * keeps the file and locks it with flock) or that is very old is stale and taken over.
 */
export async function withSessionLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + WAIT_LIMIT_MS;
  let descriptor: number | undefined;
  while (descriptor === undefined) {
    try {
      ensurePrivateDirectory(dirname(lockPath));
      descriptor = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new SessionLockError(`cannot create the session lock ${lockPath}: ${(error as Error).message}`);
      if (isStale(lockPath)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > giveUpAt) throw new SessionLockError(`timed out waiting for the session lock ${lockPath}`);
      await sleep(RETRY_MS);
    }
  }
  try {
    writeSync(descriptor, JSON.stringify({ pid: process.pid, created_at: new Date().toISOString() }));
    closeSync(descriptor);
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function isStale(lockPath: string): boolean {
  try {
    const age = Date.now() - statSync(lockPath).mtimeMs;
    const text = readFileSync(lockPath, 'utf8');
    // Just created by another process, which has not written its pid yet.
    if (text === '' && age < 1_000) return false;
    const pid = Number((JSON.parse(text || '{}') as { pid?: unknown }).pid);
    if (!Number.isInteger(pid) || pid <= 0 || age > STALE_AFTER_MS) return true;
    return !processAlive(pid);
  } catch (error) {
    // Released between our attempt and this check: try again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // Unreadable JSON: not one of ours.
    return error instanceof SyntaxError;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
