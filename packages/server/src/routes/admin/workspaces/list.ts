import { Type } from 'typebox';
import { mapPage } from '@boltz/storage';
import { toWorkspace } from '../../../resources/workspace.ts';
import { CursorPage, CursorPageQuery, errorResponses } from '../../../schemas/common.ts';
import { Workspace } from '../../../schemas/workspace.ts';
import type { App } from '../../../services.ts';

const Query = Type.Object(
  {
    ...CursorPageQuery,
    name: Type.Optional(Type.String({ maxLength: 255, description: 'Case-insensitive workspace name prefix' })),
  },
  { additionalProperties: false },
);

export default function listWorkspaces(app: App) {
  app.get(
    '/compute/v1/admin/workspaces',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.workspaces.list',
        summary: 'List workspaces, newest first',
        tags: ['Admin: workspaces'],
        querystring: Query,
        response: { 200: CursorPage(Workspace), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { name, ...page } = request.query;
      const result = await app.services.storage.workspaces.list(
        { organizationId: request.principal.organizationId },
        { namePrefix: name },
        page,
      );
      return mapPage(result, toWorkspace);
    },
  );
}
