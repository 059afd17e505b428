import { Type } from 'typebox';
import type { WorkspacePatch } from '@boltz/storage';
import { toWorkspace } from '../../../resources/workspace.ts';
import { errorResponses, Nullable } from '../../../schemas/common.ts';
import { DataRetention, Workspace } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';
import { checkRetention } from './retention.ts';
import { loadWorkspace } from './workspace-access.ts';
import { WorkspaceIdParams } from './workspace-id.ts';

const Body = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'New name; null clears it' }))),
    data_retention: Type.Optional(DataRetention),
  },
  { additionalProperties: false },
);

export default function updateWorkspace(app: App) {
  app.post(
    '/compute/v1/admin/workspaces/:workspace_id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.workspaces.update',
        summary: 'Update a workspace (omitted fields stay as they are)',
        tags: ['Admin: workspaces'],
        params: WorkspaceIdParams,
        body: Body,
        response: { 200: Workspace, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const workspace = await loadWorkspace(app.services, principal, request.params.workspace_id);
      const body = request.body ?? {};
      checkRetention(body.data_retention);

      const patch: WorkspacePatch = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.data_retention) {
        patch.retention_unit = body.data_retention.unit;
        patch.retention_value = body.data_retention.value;
      }
      if (Object.keys(patch).length === 0) return toWorkspace(workspace);
      const updated = await app.services.storage.workspaces.update(
        { organizationId: principal.organizationId },
        workspace.id,
        patch,
        app.services.now().toISOString(),
      );
      app.services.workspaceCache.forget(principal.organizationId, workspace.id);
      return toWorkspace(updated ?? workspace);
    },
  );
}
