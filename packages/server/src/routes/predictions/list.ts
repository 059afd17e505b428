import { mapPage } from '@boltz/storage';
import type { PredictionFamily } from '../../jobs/families.ts';
import { toPredictionListItem } from '../../jobs/render.ts';
import { scopeForJobList } from '../../jobs/workspace-selection.ts';
import { CursorPage, errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { ListQuery, PredictionListItem } from './schemas.ts';

/** `GET /compute/v1/predictions/{family}`: one workspace, newest first (spec/API.md §4.1, §7.1). */
export function listRoute(family: PredictionFamily) {
  return (app: App) =>
    app.get(
      `/compute/v1/predictions/${family.path}`,
      {
        schema: {
          operationId: `${family.sdkResource}.list`,
          summary: `List ${family.application} predictions, newest first`,
          tags: [family.tag],
          querystring: ListQuery,
          response: { 200: CursorPage(PredictionListItem(family)), ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const { workspace_id, ...page } = request.query;
        const scope = await scopeForJobList(app.services, request.principal, workspace_id);
        return mapPage(await app.services.storage.jobs.list(scope, family.kind, page), toPredictionListItem);
      },
    );
}
