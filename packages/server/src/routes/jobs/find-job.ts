import type { JobRow } from '@boltz/storage';
import type { Principal } from '../../auth/principal.ts';
import { notFound } from '../../errors.ts';
import { canonicalJobId, type Family } from '../../families/family.ts';
import { scopeForJobRead } from '../../jobs/workspace-selection.ts';
import type { Services } from '../../services.ts';

/** The caller's job of `family` with this id; ids outside the caller's scope or mode → 404 (spec/API.md §2.3). */
export async function findJob(services: Services, principal: Principal, family: Family, id: string, workspaceId?: string): Promise<JobRow> {
  const scope = scopeForJobRead(principal, workspaceId);
  const row = await services.storage.jobs.find(scope, family.kind, canonicalJobId(family, id));
  if (!row) throw notFound(`${family.noun} ${id} not found`);
  return row;
}
