import { toWorkspace } from '../../../resources/workspace.ts';
import { conflict } from '../../../errors.ts';
import { errorResponses } from '../../../schemas/common.ts';
import { Workspace } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';
import { loadWorkspace, requireLiveMode } from './workspace-access.ts';
import { WorkspaceIdParams } from './workspace-id.ts';

export default function archiveWorkspace(app: App) {
  app.post(
    '/compute/v1/admin/workspaces/:workspace_id/archive',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.workspaces.archive',
        summary: 'Archive a workspace and deactivate all its API keys (irreversible)',
        tags: ['Admin: workspaces'],
        params: WorkspaceIdParams,
        response: { 200: Workspace, ...errorResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      requireLiveMode(principal, 'archive a workspace');
      const workspace = await loadWorkspace(app.services, principal, request.params.workspace_id);
      if (workspace.is_default === 1) throw conflict('The default workspace cannot be archived');
      if (workspace.archived_at) return toWorkspace(workspace);

      const archived = await app.services.storage.workspaces.archive(
        { organizationId: principal.organizationId },
        workspace.id,
        app.services.now().toISOString(),
      );
      app.services.workspaceCache.forget(principal.organizationId, workspace.id);
      // Its keys must stop authenticating now, not when their cache entries expire.
      for (const hash of await app.services.storage.apiKeys.hashesOfWorkspace(workspace.id)) {
        app.services.authenticator.invalidate(hash);
      }
      return toWorkspace(archived ?? workspace);
    },
  );
}
