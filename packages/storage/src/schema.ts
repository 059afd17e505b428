import type { Generated } from 'kysely';

/**
 * Table shapes shared by both dialects. Timestamps are ISO-8601 UTC strings with
 * milliseconds (fixed width, so they sort lexically); booleans are 0/1 integers; lists are
 * JSON text. That keeps one migration definition valid on SQLite and PostgreSQL.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface WorkspacesTable {
  id: string;
  organization_id: string;
  name: string | null;
  name_lower: string | null;
  is_default: number;
  retention_unit: 'hours' | 'days';
  retention_value: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface SpendingLimitsTable {
  workspace_id: string;
  limit_milli_usd: number;
  tracking_started_at: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  workspace_id: string | null;
  name: string;
  key_type: 'admin' | 'workspace';
  mode: 'live' | 'test';
  key_prefix: string;
  key_hash: string;
  allowed_ips: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface UsageLedgerTable {
  id: string;
  organization_id: string;
  workspace_id: string;
  mode: 'live' | 'test';
  application: string;
  job_id: string;
  quantity: number;
  cost_milli_usd: number;
  settled_at: string;
}

export interface SpendingReservationsTable {
  job_id: string;
  workspace_id: string;
  amount_milli_usd: number;
  created_at: string;
}

export type JobMode = 'live' | 'test';
export type PredictionKind = 'structure_and_binding' | 'adme';
export type PredictionStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/** A prediction job and, through `status`/`run_after`/`lease_*`, its queue entry. */
export interface PredictionJobsTable {
  id: string;
  kind: PredictionKind;
  organization_id: string;
  workspace_id: string;
  mode: JobMode;
  status: PredictionStatus;
  model: string;
  version: string;
  /** JSON text; uploaded files appear as `{file_id, filename, media_type, size}` references. */
  input: string | null;
  /** JSON text: `{ "<input path>": "<file id>" }`, what the engine reads as decoded input files. */
  input_files: string | null;
  output: string | null;
  error: string | null;
  idempotency_key: string | null;
  /** SHA-256 of the canonical request body, to tell an idempotent retry from a conflict. */
  request_fingerprint: string;
  /** Quoted at start; charged on success (ENGINE.md §9 "Settlement"). */
  billed_units: number;
  cost_milli_usd: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  data_deleted_at: string | null;
  run_after: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  attempts: Generated<number>;
}

export interface FilesTable {
  id: string;
  job_id: string;
  organization_id: string;
  workspace_id: string;
  /** `input`: uploaded by the client; `output`: written by an engine. */
  role: 'input' | 'output';
  filename: string;
  media_type: string;
  size: number;
  storage_key: string;
  created_at: string;
  deleted_at: string | null;
}

/** One row per (organization, workspace, mode, application, UTC hour) with settled usage. */
export interface UsageHourlyTable {
  organization_id: string;
  workspace_id: string;
  mode: 'live' | 'test';
  application: string;
  hour_start: string;
  quantity: number;
}

/** The same roll-up per UTC day, so that year-long queries read few rows. */
export interface UsageDailyTable {
  organization_id: string;
  workspace_id: string;
  mode: 'live' | 'test';
  application: string;
  day_start: string;
  quantity: number;
  /** Cost settled that day (0 in test mode): spending-limit checks read this, not the ledger. */
  cost_milli_usd: Generated<number>;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  active_organization_id: string | null;
  created_at: string;
  updated_at: string;
  /** Set by `boltz-server user disable`: no sign-in, no token accepted. */
  disabled_at: string | null;
  /** Access tokens issued before this time are refused (password reset, disable, membership removal). */
  tokens_revoked_at: string | null;
}

export type ComputeRole = 'admin' | 'member';

export interface OrganizationMembershipsTable {
  organization_id: string;
  user_id: string;
  compute_role: ComputeRole;
  created_at: string;
}

/** One oidc-provider model instance (session, grant, code, token…), payload as JSON text. */
export interface OauthModelsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  /** The user the row belongs to (oidc-provider's `accountId`), null until one is known. */
  account_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** Unix milliseconds. */
  expires_at: number | null;
  consumed_at: number | null;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface Database {
  users: UsersTable;
  organization_memberships: OrganizationMembershipsTable;
  oauth_models: OauthModelsTable;
  server_secrets: ServerSecretsTable;
  prediction_jobs: PredictionJobsTable;
  files: FilesTable;
  usage_ledger: UsageLedgerTable;
  spending_reservations: SpendingReservationsTable;
  usage_hourly: UsageHourlyTable;
  usage_daily: UsageDailyTable;
  organizations: OrganizationsTable;
  workspaces: WorkspacesTable;
  spending_limits: SpendingLimitsTable;
  api_keys: ApiKeysTable;
}

export type { Generated };
