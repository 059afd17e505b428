import { Type } from 'typebox';
import { mapPage } from '@boltz/storage';
import { toApiKey } from '../../../resources/api-key.ts';
import { ApiKey } from '../../../schemas/api-key.ts';
import { CursorPage, CursorPageQuery, errorResponses } from '../../../schemas/common.ts';
import type { App } from '../../../services.ts';

const Query = Type.Object(
  {
    ...CursorPageQuery,
    workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Only keys of this workspace; omit for every key of the organization' })),
  },
  { additionalProperties: false },
);

export default function listApiKeys(app: App) {
  app.get(
    '/compute/v1/admin/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.apiKeys.list',
        summary: 'List API keys of both modes, newest first',
        tags: ['Admin: API keys'],
        querystring: Query,
        response: { 200: CursorPage(ApiKey), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { workspace_id, ...page } = request.query;
      const result = await app.services.storage.apiKeys.list(
        { organizationId: request.principal.organizationId },
        { workspaceId: workspace_id },
        page,
      );
      return mapPage(result, (row) => toApiKey(row, app.services.lastUsed.pendingFor(row.id)));
    },
  );
}
