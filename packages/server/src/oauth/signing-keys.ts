import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Storage } from '@boltz/storage';

export interface OauthSecrets {
  /** Private signing key for ID and access tokens (ES256). */
  signingKey: JWK;
  /** Keys for oidc-provider's signed cookies. */
  cookieKeys: string[];
  /** Key for the CSRF tokens of our own interaction forms. */
  formKey: string;
}

/** Generated at first use and kept in the database, so every replica and restart shares them. */
export async function loadOauthSecrets(storage: Storage): Promise<OauthSecrets> {
  const signing = await storage.secrets.getOrCreate('oauth_signing_key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    return JSON.stringify({ ...jwk, alg: 'ES256', use: 'sig', kid: randomBytes(8).toString('hex') });
  });
  const cookie = await storage.secrets.getOrCreate('oauth_cookie_key', () => randomBytes(32).toString('base64url'));
  const form = await storage.secrets.getOrCreate('oauth_form_key', () => randomBytes(32).toString('base64url'));
  return { signingKey: JSON.parse(signing) as JWK, cookieKeys: [cookie], formKey: form };
}

export function publicJwk(privateJwk: JWK): JWK {
  const { d: _private, ...rest } = privateJwk;
  return rest;
}
