import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage, type Storage } from '../src/index.ts';

/**
 * Databases for tests, on the dialect chosen by BOLTZ_TEST_DIALECT (`sqlite`, the default, or
 * `postgres`). PostgreSQL tests get a schema of their own in BOLTZ_TEST_POSTGRES_URL so that
 * test files can run in parallel; SQLite tests get a file in a fresh temporary folder.
 */
export const TEST_DIALECT = process.env.BOLTZ_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_POSTGRES_URL = process.env.BOLTZ_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** An empty database nobody has opened yet: what a server process finds on its first start. */
export interface TestDatabaseLocation {
  /** What `openStorage` takes. */
  url: string;
  schema?: string;
  /** The environment that points a server process at it (`BOLTZ_DATA_DIR`, `DATABASE_URL`). */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface TestDatabase {
  storage: Storage;
  url: string;
  schema?: string;
  dispose(): Promise<void>;
}

async function postgresQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function createTestDatabaseLocation(dialect: 'sqlite' | 'postgres' = TEST_DIALECT): Promise<TestDatabaseLocation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'boltz-test-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await postgresQuery(`create schema ${schema}`);
    // libpq's `options` parameter sets the search_path for every connection a process opens.
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      url: TEST_POSTGRES_URL,
      schema,
      env: { BOLTZ_DATA_DIR: dataDir, DATABASE_URL: url.toString() },
      async dispose() {
        await postgresQuery(`drop schema ${schema} cascade`);
        removeDataDir();
      },
    };
  }
  return {
    url: join(dataDir, 'boltz.sqlite'),
    env: { BOLTZ_DATA_DIR: dataDir },
    async dispose() {
      removeDataDir();
    },
  };
}

/** A migrated database, opened. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const location = await createTestDatabaseLocation();
  const storage = openStorage({ url: location.url, schema: location.schema, poolSize: 5 });
  await storage.migrate();
  return {
    storage,
    url: location.url,
    schema: location.schema,
    async dispose() {
      await storage.close();
      await location.dispose();
    },
  };
}
