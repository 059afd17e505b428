import type { Generated } from 'kysely';
import type { JobKind, JobMode, JobStatus } from '@boltz/shared';

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
  /** Which settlement of the job: 0 for a prediction, one per committed batch for a pipeline. */
  batch: Generated<number>;
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

export type { JobKind, JobMode, JobStatus };

/**
 * A job of any family and, through `status`/`run_after`/`lease_*`, its queue entry. Predictions
 * end with one `output`; pipelines stream rows into `job_results` and keep `progress` and a
 * `checkpoint` here, both written in the transaction that commits a batch of results.
 */
export interface JobsTable {
  id: string;
  kind: JobKind;
  organization_id: string;
  workspace_id: string;
  mode: JobMode;
  status: JobStatus;
  /** Predictions: the requested model; pipelines: the pipeline name. */
  model: string;
  /** Version of the engine that ran the job (or will run it). */
  version: string;
  /** JSON text; uploaded files appear as `{file_id, filename, media_type, size}` references. */
  input: string | null;
  /** JSON text: `{ "<input path>": "<file id>" }`, what the engine reads as decoded input files. */
  input_files: string | null;
  output: string | null;
  error: string | null;
  /** Pipelines: the family's progress object (JSON), null until known. */
  progress: string | null;
  /** Pipelines: what the engine needs to continue where the last committed batch ended (JSON). */
  checkpoint: string | null;
  /** Pipelines: results committed so far, which is also the sequence number of the next one. */
  result_count: Generated<number>;
  /** Units billed so far (pipelines settle per batch; predictions all at once). */
  settled_units: Generated<number>;
  idempotency_key: string | null;
  /** SHA-256 of the canonical request body, to tell an idempotent retry from a conflict. */
  request_fingerprint: string;
  /** Units quoted at start: reserved then, settled as work completes (ENGINE.md §9 "Settlement"). */
  billed_units: number;
  cost_milli_usd: number;
  /** The price of one unit, fixed at start. */
  unit_cost_milli_usd: Generated<number>;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  stopped_at: string | null;
  expires_at: string | null;
  data_deleted_at: string | null;
  run_after: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  attempts: Generated<number>;
}

/** One result row of a pipeline run (spec/API.md §10), in production order. */
export interface JobResultsTable {
  id: string;
  job_id: string;
  /** 0-based position in the run: unique per job, so a batch can never land twice. */
  seq: number;
  created_at: string;
  /** The row as the API shows it minus `id` and `created_at`, files as stored references (JSON). */
  data: string;
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

/** One administrative action or sign-in (migration 0010). */
export interface AuditEventsTable {
  id: string;
  created_at: string;
  organization_id: string | null;
  /** `api_key`, `user`, `host` (a command on the server host) or `anonymous`. */
  actor_type: string;
  /** The key id, the user's email, the host account, or what was presented. */
  actor: string;
  /** `workspace.create`, `api_key.revoke`, `user.disable`, `sign_in`, … */
  action: string;
  target: string | null;
  /** `succeeded`, `denied` (401/403), `rejected` (other 4xx) or `failed`. */
  outcome: string;
  status_code: number | null;
  ip: string | null;
  /** JSON. */
  details: string | null;
}

export interface Database {
  audit_events: AuditEventsTable;
  users: UsersTable;
  organization_memberships: OrganizationMembershipsTable;
  oauth_models: OauthModelsTable;
  server_secrets: ServerSecretsTable;
  jobs: JobsTable;
  job_results: JobResultsTable;
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
