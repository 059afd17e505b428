import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Boltz from 'boltz-api';
import pg from 'pg';
import { openStorage, type Storage } from '@boltz/storage';
import { buildApp, type BuiltApp } from '../src/app.ts';
import { bootstrapIfEmpty } from '../src/bootstrap.ts';
import { loadConfig, type ServerConfig } from '../src/config.ts';

/**
 * A real server on a real port with a real database for one test file. The dialect comes from
 * BOLTZ_TEST_DIALECT (`sqlite`, the default, or `postgres`); PostgreSQL tests get a schema of
 * their own in BOLTZ_TEST_POSTGRES_URL so that files can run in parallel.
 */
export const TEST_DIALECT = process.env.BOLTZ_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_POSTGRES_URL = process.env.BOLTZ_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  storage: Storage;
  url: string;
  schema?: string;
  dispose(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  if (TEST_DIALECT === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const storage = openStorage({ url: TEST_POSTGRES_URL, schema, poolSize: 5 });
    await storage.migrate();
    return {
      storage,
      url: TEST_POSTGRES_URL,
      schema,
      async dispose() {
        await storage.close();
        const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await cleanup.connect();
        await cleanup.query(`drop schema ${schema} cascade`);
        await cleanup.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'boltz-test-'));
  const url = join(dir, 'boltz.sqlite');
  const storage = openStorage({ url });
  await storage.migrate();
  return {
    storage,
    url,
    async dispose() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends BuiltApp {
  baseURL: string;
  storage: Storage;
  config: ServerConfig;
  liveAdminKey: string;
  testAdminKey: string;
  organizationId: string;
  defaultWorkspaceId: string;
  /** The official SDK pointed at this server. Retries are off so that tests see each status. */
  client(apiKey: string, options?: { maxRetries?: number }): Boltz;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const keys = await bootstrapIfEmpty(database.storage, config);
  if (!keys) throw new Error('test database was not empty');
  const built = await buildApp({ config, storage: database.storage, logger: false });
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const address = built.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  const baseURL = `http://127.0.0.1:${address.port}`;
  const scope = { organizationId: keys[0].organizationId };
  const defaultWorkspace = await database.storage.workspaces.findDefault(scope);
  return {
    ...built,
    baseURL,
    storage: database.storage,
    config,
    liveAdminKey: keys[0].key,
    testAdminKey: keys[1].key,
    organizationId: keys[0].organizationId,
    defaultWorkspaceId: defaultWorkspace!.id,
    client: (apiKey, options = {}) => new Boltz({ apiKey, baseURL, maxRetries: options.maxRetries ?? 0, logLevel: 'off' }),
    async close() {
      await built.app.close();
      await database.dispose();
    },
  };
}

/** Raw HTTP against the test server, for what the SDK would never send. */
export async function rawRequest(
  server: { baseURL: string },
  method: string,
  path: string,
  options: { apiKey?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  const response = await fetch(server.baseURL + path, { method, headers, body: options.body as BodyInit | undefined });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A snapshot of every table, to prove that failed requests wrote nothing. */
export async function snapshotDatabase(storage: Storage): Promise<string> {
  const tables = ['organizations', 'workspaces', 'spending_limits', 'api_keys', 'usage_ledger', 'spending_reservations'] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    out[table] = await storage.db.selectFrom(table).selectAll().orderBy(table === 'spending_limits' ? 'workspace_id' : table === 'spending_reservations' ? 'job_id' : 'id').execute();
  }
  // last_used_at is batched in memory and legitimately changes on every authenticated call.
  for (const key of out.api_keys as Array<Record<string, unknown>>) delete key.last_used_at;
  return JSON.stringify(out);
}
