import { mapPage } from '@boltz/storage';
import type { Family } from '../../families/family.ts';
import { toListItem } from '../../jobs/render.ts';
import { scopeForJobList } from '../../jobs/workspace-selection.ts';
import { CursorPage, errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { JobListItem, ListQuery } from './schemas.ts';

/** `GET /compute/v1/{family}`: one workspace, newest first (spec/API.md §4.1, §7.1). */
export function listRoute(family: Family) {
  return (app: App) =>
    app.get(
      `/compute/v1/${family.path}`,
      {
        schema: {
          operationId: `${family.sdkResource}.list`,
          summary: `List ${family.noun.toLowerCase()}s, newest first`,
          tags: [family.tag],
          querystring: ListQuery,
          response: { 200: CursorPage(JobListItem(family)), ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const { workspace_id, ...page } = request.query;
        const scope = await scopeForJobList(app.services, request.principal, workspace_id);
        return mapPage(await app.services.storage.jobs.list(scope, family.kind, page), (row) => toListItem(family, row));
      },
    );
}
