import type { Static } from 'typebox';
import type { SpendingLimitsTable, WorkspaceRow } from '@boltz/storage';
import { MILLI_USD_UNLIMITED, type SpendingLimit, type Workspace } from '../schemas/workspace.ts';

export function toWorkspace(row: WorkspaceRow): Static<typeof Workspace> {
  return {
    id: row.id,
    name: row.name,
    is_default: row.is_default === 1,
    data_retention: { unit: row.retention_unit, value: row.retention_value },
    created_at: row.created_at,
    updated_at: row.updated_at,
    archived_at: row.archived_at,
  };
}

/** Amounts at or above half the sentinel are normalised to it (SDK documentation). */
export function normalizeLimitAmount(amount: number): number {
  return amount >= 2 ** 52 ? MILLI_USD_UNLIMITED : amount;
}

export function toSpendingLimit(row: SpendingLimitsTable, accruedMilliUsd: number): Static<typeof SpendingLimit> {
  return {
    type: 'lifetime',
    limit: { amount: row.limit_milli_usd, currency: 'MILLI_USD' },
    accrued_usage: { amount: accruedMilliUsd, currency: 'MILLI_USD' },
  };
}

export function retentionHours(retention: { unit: 'hours' | 'days'; value: number }): number {
  return retention.unit === 'days' ? retention.value * 24 : retention.value;
}
