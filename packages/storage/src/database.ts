import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type DatabaseIntrospector, type DatabaseMetadata, Kysely, Migrator, PostgresAdapter, PostgresDialect, type SchemaMetadata, SqliteDialect, type SqliteDatabase, type TableMetadata, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…` selects PostgreSQL; anything else is a SQLite file path. */
  url: string;
  /** PostgreSQL schema to use (tests give each file its own). */
  schema?: string;
  poolSize?: number;
}

// int8 columns (spending limits up to 2^53 - 1) come back from pg as strings by default.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (isPostgresUrl(options.url)) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (options.url !== ':memory:') mkdirSync(dirname(options.url), { recursive: true });
  const sqlite = new BetterSqlite3(options.url);
  // WAL lets readers proceed while a writer commits; busy_timeout makes concurrent
  // writers (the server and an `admin-key create` run on the same host) wait instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely's PostgreSQL introspector (which its Migrator uses to find its bookkeeping tables)
 * reads every schema of the database through `has_schema_privilege(name)`, which fails with
 * "schema … does not exist" when another schema is dropped during the scan — other test files'
 * schemas, other deployments sharing the database. Ours looks at the current schema only and
 * calls no function on other schemas' names. It lists tables and views without columns: the
 * migrator needs names, and nothing here reads columns through introspection.
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const introspector: DatabaseIntrospector = {
      async getSchemas(): Promise<SchemaMetadata[]> {
        const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(db);
        return rows;
      },
      async getTables(): Promise<TableMetadata[]> {
        const { rows } = await sql<{ name: string; schema: string; kind: string }>`
          select c.relname as name, n.nspname as schema, c.relkind as kind
          from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
          order by c.relname`.execute(db);
        return rows.map(({ name, schema, kind }) => ({ name, schema, isView: kind === 'v', columns: [] }));
      },
      async getMetadata(): Promise<DatabaseMetadata> {
        return { tables: await introspector.getTables() };
      },
    };
    return introspector;
  }
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query afresh, and on SQLite preparing costs more than running a
 * point lookup (CPU profile under `npm run bench`: 11% of the server's time in `prepare`
 * against 6% running the queries). Statements are reusable: keep the most recent by SQL text.
 * A statement still being iterated (a streamed query) is busy; such a query gets its own.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) {
        // Re-inserting keeps the Map in least-recently-used order.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      if (!cached) {
        cache.set(text, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}

async function migratorFor(db: Kysely<Database>): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables across every schema of a PostgreSQL database;
  // name ours, or another schema's tables (other test files, other tenants) would be mistaken
  // for them.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return new Migrator({ db, provider: migrationProvider, migrationTableSchema });
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = await migratorFor(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * A consistent copy of a SQLite database while it is in use, through SQLite's online backup
 * API (better-sqlite3's `backup`): safe during writes by other connections and processes,
 * unlike copying the file, whose committed pages may still sit in its `-wal` file.
 */
export async function backupSqliteDatabase(source: string, destination: string): Promise<void> {
  const sqlite = new BetterSqlite3(source, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    await sqlite.backup(destination);
  } finally {
    sqlite.close();
  }
}

/** Applied migrations, and those this build knows but the database has not had yet. */
export async function migrationStatus(db: Kysely<Database>): Promise<{ applied: string[]; pending: string[] }> {
  const migrations = await (await migratorFor(db)).getMigrations();
  return { applied: migrations.filter((m) => m.executedAt).map((m) => m.name), pending: migrations.filter((m) => !m.executedAt).map((m) => m.name) };
}
