import { ID_PREFIXES, newId } from '@boltz/shared';
import { Type } from 'typebox';
import { normalizeLimitAmount, toWorkspace } from '../../../resources/workspace.ts';
import { errorResponses } from '../../../schemas/common.ts';
import { DataRetention, SpendingLimitBody, Workspace } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';
import { checkRetention } from './retention.ts';
import { requireLiveMode } from './workspace-access.ts';

const Body = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Workspace name', examples: ['Team Alpha'] })),
    data_retention: Type.Optional(DataRetention),
    spending_limit: Type.Optional(SpendingLimitBody),
  },
  { additionalProperties: false },
);

export default function createWorkspace(app: App) {
  app.post(
    '/compute/v1/admin/workspaces',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.workspaces.create',
        summary: 'Create a workspace',
        tags: ['Admin: workspaces'],
        body: Body,
        response: { 200: Workspace, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const { name, data_retention, spending_limit } = request.body ?? {};
      if (spending_limit) requireLiveMode(principal, 'set a spending limit');
      checkRetention(data_retention);

      const now = app.services.now().toISOString();
      const row = {
        id: newId(ID_PREFIXES.workspace),
        organization_id: principal.organizationId,
        name: name ?? null,
        name_lower: name?.toLowerCase() ?? null,
        is_default: 0,
        retention_unit: data_retention?.unit ?? ('days' as const),
        retention_value: data_retention?.value ?? 7,
        created_at: now,
        updated_at: now,
        archived_at: null,
      };
      const limit = spending_limit && {
        workspace_id: row.id,
        limit_milli_usd: normalizeLimitAmount(spending_limit.limit.amount),
        tracking_started_at: now,
        created_at: now,
        updated_at: now,
      };
      await app.services.storage.workspaces.insert(row, limit);
      return toWorkspace(row);
    },
  );
}
