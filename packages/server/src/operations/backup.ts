import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { backupSqliteDatabase, isPostgresUrl, openStorage } from '@boltz/storage';
import type { ServerConfig } from '../config.ts';

/**
 * `boltz-server backup <dir>` / `restore <dir>` (docs/operations.md "Back up and restore").
 * A backup is the database (SQLite: a consistent online copy; PostgreSQL: pg_dump's, taken by
 * the operator) plus the data folder's files: results and inputs (results/) and the secrets
 * kept there (url-signing.key). The database is copied first: a result file is written before
 * the row that names it, so every file a copied row names is already there to copy next.
 */
const DATABASE_FILE = 'boltz.sqlite';
const MANIFEST = 'backup.json';

export interface BackupManifest {
  format: 1;
  created_at: string;
  database: 'sqlite' | 'postgres';
  migrations: string[];
  files: number;
}

export class BackupError extends Error {}

/** The SQLite file and what SQLite keeps beside it: never copied as files. */
function isDatabaseFile(path: string, databaseUrl: string): boolean {
  const database = resolve(databaseUrl);
  return [database, `${database}-wal`, `${database}-shm`, `${database}-journal`].includes(resolve(path));
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1), 0);
}

export async function backup(config: ServerConfig, target: string): Promise<BackupManifest> {
  const dir = resolve(target);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new BackupError(`${dir} is not empty: back up into a new folder`);
  const dataDir = resolve(config.dataDir);
  const inside = relative(dataDir, dir);
  if (!inside.startsWith('..') && !isAbsolute(inside)) throw new BackupError('the backup folder must be outside the data folder');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const postgres = isPostgresUrl(config.databaseUrl);

  const storage = openStorage({ url: config.databaseUrl });
  let migrations: string[];
  try {
    migrations = (await storage.migrationStatus()).applied;
  } finally {
    await storage.close();
  }
  if (!postgres) await backupSqliteDatabase(config.databaseUrl, join(dir, DATABASE_FILE));
  if (existsSync(dataDir)) {
    cpSync(dataDir, join(dir, 'data'), { recursive: true, filter: (source) => !isDatabaseFile(source, config.databaseUrl) });
  }
  const manifest: BackupManifest = { format: 1, created_at: new Date().toISOString(), database: postgres ? 'postgres' : 'sqlite', migrations, files: countFiles(join(dir, 'data')) };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function restore(config: ServerConfig, source: string, options: { force?: boolean }): Promise<BackupManifest> {
  const dir = resolve(source);
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) throw new BackupError(`${dir} holds no ${MANIFEST}: not a boltz-server backup`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
  const postgres = isPostgresUrl(config.databaseUrl);
  if ((manifest.database === 'postgres') !== postgres) {
    throw new BackupError(`the backup is of a ${manifest.database} deployment, but DATABASE_URL is ${postgres ? 'PostgreSQL' : 'SQLite'}`);
  }
  const dataDir = resolve(config.dataDir);
  const occupied = existsSync(dataDir) && readdirSync(dataDir).length > 0;
  const databaseExists = !postgres && existsSync(config.databaseUrl);
  if ((occupied || databaseExists) && !options.force) {
    throw new BackupError(`${occupied ? dataDir : config.databaseUrl} is not empty: restore into a fresh data folder, or pass --force to overwrite (stop the server first)`);
  }
  mkdirSync(dataDir, { recursive: true });
  cpSync(join(dir, 'data'), dataDir, { recursive: true, force: true });
  if (!postgres) {
    // Through the backup API as well, which writes the destination as SQLite does (its WAL included).
    await backupSqliteDatabase(join(dir, DATABASE_FILE), config.databaseUrl);
  }
  return manifest;
}

export function describeBackup(manifest: BackupManifest, dir: string): string {
  const lines = [
    `${manifest.database === 'sqlite' ? `Database copied to ${join(dir, DATABASE_FILE)} (online backup API)` : 'PostgreSQL: not copied by this command'}; ${manifest.files} files of the data folder; ${manifest.migrations.length} migrations applied.`,
  ];
  if (manifest.database === 'postgres') {
    lines.push(`Take the database with pg_dump now (docs/operations.md): pg_dump --format=custom --file=${join(dir, `${basename(dir)}.pgdump`)} "$DATABASE_URL"`);
  }
  return `${lines.join('\n')}\n`;
}
