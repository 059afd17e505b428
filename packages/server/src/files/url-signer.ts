import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What every File object in a job shows (spec/API.md §7.6). */
export interface PresignedFile {
  url: string;
  url_expires_at: string;
}

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/**
 * Presigned download URLs (decision h): `/compute/v1/files/{file_id}/{filename}?expires=<unix
 * s>&signature=<base64url HMAC-SHA256>`. The signature covers id, name and expiry, so none of
 * them can be changed; the URL needs no API key.
 */
export class UrlSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly lifetimeSeconds: number,
  ) {}

  private signatureOf(fileId: string, filename: string, expires: number): Buffer {
    return createHmac('sha256', this.secret).update(`${fileId}\n${filename}\n${expires}`).digest();
  }

  /** `origin` is the scheme and host clients reach this server by. */
  presign(origin: string, file: { file_id: string; filename: string }, now: Date): PresignedFile {
    return this.presigner(origin, now)(file);
  }

  /** Presigns any number of files with one expiry (a response's files all expire together). */
  presigner(origin: string, now: Date): (file: { file_id: string; filename: string }) => PresignedFile {
    const expires = Math.floor(now.getTime() / 1000) + this.lifetimeSeconds;
    const urlExpiresAt = new Date(expires * 1000).toISOString();
    return (file) => {
      const signature = this.signatureOf(file.file_id, file.filename, expires).toString('base64url');
      const path = `/compute/v1/files/${encodeURIComponent(file.file_id)}/${encodeURIComponent(file.filename)}`;
      return { url: `${origin}${path}?expires=${expires}&signature=${signature}`, url_expires_at: urlExpiresAt };
    };
  }

  check(fileId: string, filename: string, expires: string, signature: string, now: Date): SignatureCheck {
    if (!/^\d{1,12}$/.test(expires)) return 'invalid';
    const expected = this.signatureOf(fileId, filename, Number(expires));
    const given = Buffer.from(signature, 'base64url');
    // Constant-time comparison: timing must not reveal how much of a guess was right.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) * 1000 < now.getTime() ? 'expired' : 'valid';
  }
}

/**
 * BOLTZ_URL_SIGNING_SECRET, or a random secret kept in the data folder so that URLs survive a
 * restart. Replicas must share it (set the variable, or share the folder).
 */
export function loadSigningSecret(dataDir: string, configured: string | undefined): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(dataDir, 'url-signing.key');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
}
