import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Cursor pagination compares ids with < and > and relies on "sorted by id = sorted by
 * creation" (spec/API.md §4.1, §7.7). Ids mix upper and lower case, so that only holds under a
 * byte-wise collation: a PostgreSQL database created with e.g. en_US.UTF-8 would sort
 * `ws_a` before `ws_B`. SQLite compares text byte-wise already.
 */
const PAGINATED_IDS = [
  ['workspaces', 'id'],
  ['api_keys', 'id'],
  ['prediction_jobs', 'id'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of PAGINATED_IDS) {
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type varchar(64) collate "C"`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of PAGINATED_IDS) {
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type varchar(64) collate "default"`.execute(db);
  }
}
