import { toWorkspace } from '../../../resources/workspace.ts';
import { errorResponses } from '../../../schemas/common.ts';
import { Workspace } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';
import { loadWorkspace } from './workspace-access.ts';
import { WorkspaceIdParams } from './workspace-id.ts';

export default function retrieveWorkspace(app: App) {
  app.get(
    '/compute/v1/admin/workspaces/:workspace_id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.workspaces.retrieve',
        summary: 'Get a workspace',
        tags: ['Admin: workspaces'],
        params: WorkspaceIdParams,
        response: { 200: Workspace, ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => toWorkspace(await loadWorkspace(app.services, request.principal, request.params.workspace_id, { cached: true })),
  );
}
