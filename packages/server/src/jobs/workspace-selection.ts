import type { JobScope, WorkspaceJobScope, WorkspaceRow } from '@boltz/storage';
import type { Principal } from '../auth/principal.ts';
import { forbidden, notFound, workspaceArchived } from '../errors.ts';
import type { Services } from '../services.ts';

/**
 * Workspace selection for jobs (spec/API.md §7.1, §2.3). A workspace key is confined to its
 * workspace (a different `workspace_id` → 403); admins and signed-in users act across the
 * organization, defaulting to its default workspace. Jobs are always scoped to the caller's
 * mode (decision e).
 */
function confinedWorkspace(principal: Principal, requested: string | undefined): string | null {
  if (principal.workspaceId === null) return null;
  if (requested !== undefined && requested !== principal.workspaceId) {
    throw forbidden(`This API key belongs to workspace ${principal.workspaceId} and cannot act in ${requested}`);
  }
  return principal.workspaceId;
}

/** `start` and `estimate-cost`: the workspace must exist and accept new jobs. */
export async function workspaceForNewJob(services: Services, principal: Principal, requested: string | undefined): Promise<WorkspaceRow> {
  const scope = { organizationId: principal.organizationId };
  const id = confinedWorkspace(principal, requested) ?? requested;
  const workspace = id === undefined ? await services.storage.workspaces.findDefault(scope) : await services.storage.workspaces.find(scope, id);
  if (!workspace) throw notFound(`Workspace ${id ?? '(default)'} not found`);
  if (workspace.archived_at !== null) throw workspaceArchived(workspace.id);
  return workspace;
}

/** Members see jobs of non-archived workspaces only, as workspace keys do (spec/API.md §2.1). */
function baseJobScope(principal: Principal): JobScope {
  const activeWorkspacesOnly = principal.kind === 'user' && principal.role === 'member';
  return { organizationId: principal.organizationId, mode: principal.mode, ...(activeWorkspacesOnly ? { activeWorkspacesOnly } : {}) };
}

/** `retrieve` and `delete-data`: a given `workspace_id` narrows the lookup; none = the organization. */
export function scopeForJobRead(principal: Principal, requested: string | undefined): JobScope {
  const workspaceId = confinedWorkspace(principal, requested) ?? requested;
  return { ...baseJobScope(principal), workspaceId };
}

/** `list`: one workspace, the default one unless named. */
export async function scopeForJobList(services: Services, principal: Principal, requested: string | undefined): Promise<WorkspaceJobScope> {
  const base = baseJobScope(principal);
  const workspaceId = confinedWorkspace(principal, requested) ?? requested;
  if (workspaceId !== undefined) return { ...base, workspaceId };
  const fallback = await services.storage.workspaces.findDefault({ organizationId: principal.organizationId });
  if (!fallback) throw notFound('The organization has no default workspace');
  return { ...base, workspaceId: fallback.id };
}
