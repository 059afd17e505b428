import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Boltz from 'boltz-api';
import type { Storage } from '@boltz/storage';
import { openTestDatabase } from '../../storage/test/test-database.ts';
import { buildApp, type BuiltApp } from '../src/app.ts';
import { bootstrapIfEmpty } from '../src/bootstrap.ts';
import { loadConfig, type ServerConfig } from '../src/config.ts';

/**
 * A real server on a real port with a real database for one test file. The dialect comes from
 * BOLTZ_TEST_DIALECT (`sqlite`, the default, or `postgres`); see the storage package's
 * test-database.ts, which gives each PostgreSQL test file a schema of its own.
 */
export {
  TEST_DIALECT,
  TEST_POSTGRES_URL,
  type TestDatabase,
  createTestDatabaseLocation,
  openTestDatabase,
} from '../../storage/test/test-database.ts';

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

/** `listenHost` `::1` gives an IPv6 server (baseURL `http://[::1]:port`), for client-IP tests. */
export async function startTestServer(env: Record<string, string> = {}, options: { listenHost?: string } = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  // Result files and the URL-signing key go to a folder of this server's own.
  const dataDir = mkdtempSync(join(tmpdir(), 'boltz-test-data-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', BOLTZ_DATA_DIR: dataDir, ...env });
  const keys = await bootstrapIfEmpty(database.storage, config);
  if (!keys) throw new Error('test database was not empty');
  const built = await buildApp({ config, storage: database.storage, logger: false });
  const host = options.listenHost ?? '127.0.0.1';
  await built.app.listen({ host, port: 0 });
  const address = built.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  const baseURL = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
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
      rmSync(dataDir, { recursive: true, force: true });
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
  const tables = ['organizations', 'workspaces', 'spending_limits', 'api_keys', 'usage_ledger', 'spending_reservations', 'jobs', 'job_results', 'files'] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    out[table] = await storage.db.selectFrom(table).selectAll().orderBy(table === 'spending_limits' ? 'workspace_id' : table === 'spending_reservations' ? 'job_id' : 'id').execute();
  }
  // last_used_at is batched in memory and legitimately changes on every authenticated call.
  for (const key of out.api_keys as Array<Record<string, unknown>>) delete key.last_used_at;
  return JSON.stringify(out);
}
