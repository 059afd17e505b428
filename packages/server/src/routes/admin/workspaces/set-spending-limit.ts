import { setSpendingLimit as setLimit } from '../../../billing/spending.ts';
import { normalizeLimitAmount, toSpendingLimit } from '../../../resources/workspace.ts';
import { errorResponses } from '../../../schemas/common.ts';
import { SpendingLimit, SpendingLimitBody } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';
import { loadWorkspace, requireLiveMode } from './workspace-access.ts';
import { WorkspaceIdParams } from './workspace-id.ts';

export default function setSpendingLimit(app: App) {
  app.put(
    '/compute/v1/admin/workspaces/:workspace_id/spending-limit',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.workspaces.setSpendingLimit',
        summary: 'Create or replace the lifetime spending limit of a workspace',
        tags: ['Admin: workspaces'],
        params: WorkspaceIdParams,
        body: SpendingLimitBody,
        response: { 200: SpendingLimit, ...errorResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      requireLiveMode(principal, 'set a spending limit');
      const workspace = await loadWorkspace(app.services, principal, request.params.workspace_id);
      const amount = normalizeLimitAmount(request.body.limit.amount);
      const { limit, accruedMilliUsd } = await setLimit(app.services.storage, workspace.id, amount, app.services.now());
      return toSpendingLimit(limit, accruedMilliUsd);
    },
  );
}
