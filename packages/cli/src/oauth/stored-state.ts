import YAML from 'yaml';
import { AuthError } from '../errors.ts';
import { readOptionalFile, removeFile, statePaths, writePrivateFile } from './files.ts';

/**
 * The three files of a sign-in (CLI.md §6.6), in the official CLI's formats. There is no OS
 * keychain backend here, so the refresh token always lives in credentials.json (what
 * BOLTZ_API_TEST_DISABLE_KEYRING asks for anyway) and sessions say `storage_backend: "file"`.
 */

/** config.yaml: the non-secret OAuth profile; empty keys are omitted. */
export interface ConfigFile {
  version?: number;
  issuer_url?: string;
  client_id?: string;
  scopes?: string[];
  audience?: string;
  authorization_url?: string;
  token_url?: string;
  userinfo_url?: string;
  revocation_url?: string;
  selected_org?: string;
}

export const CONFIG_KEYS = ['version', 'issuer_url', 'client_id', 'scopes', 'audience', 'authorization_url', 'token_url', 'userinfo_url', 'revocation_url', 'selected_org'] as const;

export interface Identity {
  subject: string | null;
  email: string | null;
  name: string | null;
  preferred_username: string | null;
  claims: Record<string, unknown>;
}

/** session.json: the access token and what is needed to refresh it without discovery. */
export interface StoredSession {
  issuer_url: string;
  client_id: string;
  audience: string;
  scopes: string[];
  granted_scopes: string[];
  access_token: string;
  token_type: string;
  expiry: string | null;
  id_token: string | null;
  authorization_url: string | null;
  token_url: string;
  userinfo_url: string | null;
  revocation_url: string | null;
  jwks_url: string | null;
  algorithms: string[];
  storage_backend: 'keyring' | 'file';
  identity: Identity | null;
  created_at: string;
  updated_at: string;
}

type StoredFile = 'config' | 'session' | 'credentials';

export class StoredState {
  readonly paths: ReturnType<typeof statePaths>;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.paths = statePaths(env);
  }

  readConfig(): ConfigFile | undefined {
    const text = this.read('config');
    if (text === undefined) return undefined;
    try {
      const parsed = YAML.parse(text) ?? {};
      if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a mapping');
      return parsed as ConfigFile;
    } catch (error) {
      throw new AuthError('config_load_failed', `config.yaml could not be read: ${(error as Error).message}`, [`Fix or delete ${this.paths.config} (boltz-api config reset).`]);
    }
  }

  writeConfig(config: ConfigFile): void {
    this.write('config', this.serializeConfig(config));
  }

  serializeConfig(config: ConfigFile): string {
    const ordered: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
      const value = config[key];
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
      ordered[key] = value;
    }
    return YAML.stringify(ordered);
  }

  readSession(): StoredSession | undefined {
    const text = this.read('session');
    if (text === undefined) return undefined;
    try {
      const session = JSON.parse(text) as StoredSession;
      if (!session || typeof session !== 'object' || typeof session.issuer_url !== 'string') throw new Error('not a session');
      return session;
    } catch (error) {
      throw new AuthError('session_load_failed', `session.json could not be read: ${(error as Error).message}`, ['Run `boltz-api auth login` again.']);
    }
  }

  readRefreshToken(): string | undefined {
    const text = this.read('credentials');
    if (text === undefined) return undefined;
    try {
      const token = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token;
      return typeof token === 'string' && token !== '' ? token : undefined;
    } catch (error) {
      throw new AuthError('credentials_load_failed', `credentials.json could not be read: ${(error as Error).message}`, ['Run `boltz-api auth login` again.']);
    }
  }

  /** Raw contents, for rolling a failed save back. */
  read(file: StoredFile): string | undefined {
    return readOptionalFile(this.paths[file]);
  }

  write(file: StoredFile, content: string): void {
    writePrivateFile(this.paths[file], content);
  }

  remove(file: StoredFile): boolean {
    return removeFile(this.paths[file]);
  }

  /**
   * Writes several files as one change (§6.3 step 7: "roll back on failure"): if any write
   * fails, every file gets its previous contents back and `<file>_save_failed` is thrown.
   */
  saveTogether(contents: Partial<Record<StoredFile, string | null>>): void {
    const previous = new Map<StoredFile, string | undefined>();
    let current: StoredFile | undefined;
    try {
      for (const [file, content] of Object.entries(contents) as [StoredFile, string | null][]) {
        current = file;
        previous.set(file, this.read(file));
        if (content === null) this.remove(file);
        else this.write(file, content);
      }
    } catch (error) {
      for (const [file, content] of previous) {
        try {
          if (content === undefined) this.remove(file);
          else this.write(file, content);
        } catch {
          // Best effort: the original error is the one to report.
        }
      }
      throw new AuthError(`${current}_save_failed`, `${current} could not be saved: ${(error as Error).message}`, ['Check the permissions of the boltz-api config and cache directories.']);
    }
  }
}

/** A stored file that cannot be read counts as absent, with the reason among `warnings`. */
export function readOrWarn<T>(read: () => T, warnings: string[]): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof AuthError) {
      warnings.push(error.message);
      return undefined;
    }
    throw error;
  }
}

export const credentialsJson = (refreshToken: string) => `${JSON.stringify({ refresh_token: refreshToken }, null, 2)}\n`;
export const sessionJson = (session: StoredSession) => `${JSON.stringify(session, null, 2)}\n`;
