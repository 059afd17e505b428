import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { readEnv } from '../api-client.ts';

/**
 * Where the CLI keeps its state (CLI.md §6.6), the same places the official CLI uses so that
 * both tools share one sign-in: config.yaml and credentials.json in the config directory,
 * session.json and session.lock in the cache directory.
 */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'boltz-api');
  if (process.platform === 'win32') return join(env.APPDATA ?? homedir(), 'boltz-api');
  return join(readEnv('XDG_CONFIG_HOME', env) ?? join(homedir(), '.config'), 'boltz-api');
}

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'boltz-api');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? homedir(), 'boltz-api');
  return join(readEnv('XDG_CACHE_HOME', env) ?? join(homedir(), '.cache'), 'boltz-api');
}

export const statePaths = (env: NodeJS.ProcessEnv = process.env) => ({
  config: join(configDirectory(env), 'config.yaml'),
  credentials: join(configDirectory(env), 'credentials.json'),
  session: join(cacheDirectory(env), 'session.json'),
  lock: join(cacheDirectory(env), 'session.lock'),
});

/** Directories 0700 (also when they already existed with wider permissions). */
export function ensurePrivateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(path, 0o700);
}

/**
 * Atomic write (§6.6): a temporary file beside the target, made 0600 before it holds anything
 * secret, then renamed over the target, so a reader never sees half a file.
 */
export function writePrivateFile(path: string, content: string): void {
  ensurePrivateDirectory(dirname(path));
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, '', { mode: 0o600, flag: 'wx' });
    if (process.platform !== 'win32') chmodSync(temporary, 0o600);
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The file's text, or undefined when it does not exist. */
export function readOptionalFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    // ENOTDIR: a parent is a plain file, so this file cannot exist either.
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

export function removeFile(path: string): boolean {
  const existed = existsSync(path);
  rmSync(path, { force: true });
  return existed;
}
