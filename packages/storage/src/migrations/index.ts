import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_organizations_workspaces_api_keys.ts';
import * as m0002 from './0002_usage_ledger_and_reservations.ts';
import * as m0003 from './0003_prediction_jobs_and_files.ts';
import * as m0004 from './0004_usage_rollups.ts';
import * as m0005 from './0005_users_and_oauth.ts';
import * as m0006 from './0006_binary_id_order.ts';
import * as m0007 from './0007_usage_daily_cost.ts';
import * as m0008 from './0008_pipeline_runs_and_results.ts';
import * as m0009 from './0009_user_status_and_oauth_accounts.ts';
import * as m0010 from './0010_audit_events.ts';

/** Numbered and append-only; every migration must run on SQLite and PostgreSQL. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_organizations_workspaces_api_keys': m0001,
  '0002_usage_ledger_and_reservations': m0002,
  '0003_prediction_jobs_and_files': m0003,
  '0004_usage_rollups': m0004,
  '0005_users_and_oauth': m0005,
  '0006_binary_id_order': m0006,
  '0007_usage_daily_cost': m0007,
  '0008_pipeline_runs_and_results': m0008,
  '0009_user_status_and_oauth_accounts': m0009,
  '0010_audit_events': m0010,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
