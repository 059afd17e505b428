import type { WorkspaceRow } from '@boltz/storage';
import type { Principal } from '../../../auth/principal.ts';
import { livemodeRequired, notFound } from '../../../errors.ts';
import type { Services } from '../../../services.ts';

/**
 * Loads a workspace of the caller's organization; ids of other organizations read as 404.
 * `{ cached: true }` is for routes that only show it (workspace-cache.ts).
 */
export async function loadWorkspace(services: Services, principal: Principal, workspaceId: string, options: { cached?: boolean } = {}): Promise<WorkspaceRow> {
  const workspace = options.cached
    ? await services.workspaceCache.find(principal.organizationId, workspaceId)
    : await services.storage.workspaces.find({ organizationId: principal.organizationId }, workspaceId);
  if (!workspace) throw notFound(`Workspace ${workspaceId} not found`);
  return workspace;
}

/** Decision (d): some administration changes real money or live data and needs a live key. */
export function requireLiveMode(principal: Principal, action: string): void {
  if (principal.mode !== 'live') throw livemodeRequired(`A live-mode admin key is required to ${action}`);
}
