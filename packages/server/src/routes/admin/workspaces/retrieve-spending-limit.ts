import { accruedMilliUsd } from '../../../billing/spending.ts';
import { forbidden } from '../../../errors.ts';
import { isAdmin } from '../../../auth/principal.ts';
import { toSpendingLimit } from '../../../resources/workspace.ts';
import { errorResponses, Nullable } from '../../../schemas/common.ts';
import { SpendingLimit } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';
import { loadWorkspace } from './workspace-access.ts';
import { WorkspaceIdParams } from './workspace-id.ts';

export default function retrieveSpendingLimit(app: App) {
  app.get(
    '/compute/v1/admin/workspaces/:workspace_id/spending-limit',
    {
      // The one admin route a workspace key may call, for its own workspace (spec/API.md §2.3).
      config: { access: 'any' },
      schema: {
        operationId: 'admin.workspaces.retrieveSpendingLimit',
        summary: 'Get the lifetime spending limit of a workspace, or null when none is set',
        tags: ['Admin: workspaces'],
        params: WorkspaceIdParams,
        response: { 200: Nullable(SpendingLimit), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const { workspace_id } = request.params;
      if (!isAdmin(principal) && principal.workspaceId !== workspace_id) {
        throw forbidden('A workspace key can only read the spending limit of its own workspace');
      }
      const workspace = await loadWorkspace(app.services, principal, workspace_id);
      const { spending } = app.services.storage;
      const limit = await spending.findLimit(workspace.id);
      if (!limit) return null;
      return toSpendingLimit(limit, await accruedMilliUsd(spending, limit));
    },
  );
}
