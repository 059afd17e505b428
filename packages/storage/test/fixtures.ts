import type { NewJobRow, Storage } from '../src/index.ts';

/** Rows for storage tests, written straight through the stores with fixed, readable values. */
export const AT = '2026-04-08T18:56:46.123Z';

export async function insertOrganization(storage: Storage, id: string, defaultWorkspaceId: string): Promise<void> {
  await storage.organizations.insertWithDefaultWorkspace({ id, name: `Organization ${id}`, created_at: AT }, workspaceRow(id, defaultWorkspaceId, 'Default', 1));
}

export function workspaceRow(organizationId: string, id: string, name: string, isDefault = 0) {
  return {
    id,
    organization_id: organizationId,
    name,
    name_lower: name.toLowerCase(),
    is_default: isDefault,
    retention_unit: 'days' as const,
    retention_value: 7,
    created_at: AT,
    updated_at: AT,
    archived_at: null,
  };
}

export function apiKeyRow(organizationId: string, id: string, workspaceId: string | null, mode: 'live' | 'test' = 'live') {
  return {
    id,
    organization_id: organizationId,
    workspace_id: workspaceId,
    name: `Key ${id}`,
    key_type: workspaceId ? ('workspace' as const) : ('admin' as const),
    mode,
    key_prefix: workspaceId ? `sk_bc_ws_${mode.slice(0, 3)}` : 'sk_bc_admin_',
    key_hash: id.padEnd(64, '0'),
    allowed_ips: '[]',
    created_at: AT,
    expires_at: null,
    revoked_at: null,
    last_used_at: null,
  };
}

/** A pending test-mode job of org_1/ws_1 due at AT, with every column set; override what a test is about. */
export function jobRow(id: string, overrides: Partial<NewJobRow> = {}): NewJobRow {
  return {
    id,
    kind: 'adme',
    organization_id: 'org_1',
    workspace_id: 'ws_1',
    mode: 'test',
    status: 'pending',
    model: 'adme-v1',
    version: 'synthetic-1',
    input: '{}',
    input_files: '{}',
    output: null,
    error: null,
    progress: null,
    checkpoint: null,
    idempotency_key: null,
    request_fingerprint: 'f',
    billed_units: 1,
    cost_milli_usd: 10,
    created_at: AT,
    started_at: null,
    completed_at: null,
    stopped_at: null,
    expires_at: null,
    data_deleted_at: null,
    run_after: AT,
    lease_owner: null,
    lease_expires_at: null,
    ...overrides,
  };
}
