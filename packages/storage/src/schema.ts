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

export interface Database {
  usage_ledger: UsageLedgerTable;
  spending_reservations: SpendingReservationsTable;
  organizations: OrganizationsTable;
  workspaces: WorkspacesTable;
  spending_limits: SpendingLimitsTable;
  api_keys: ApiKeysTable;
}

export type { Generated };
