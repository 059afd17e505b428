import type { Family } from '../../families/family.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { findJob } from './find-job.ts';
import { jobResponse } from './respond.ts';
import { JobIdParams, JobResource, WorkspaceQuery } from './schemas.ts';

/** `GET /compute/v1/{family}/{id}`; ids outside the caller's scope or mode → 404. */
export function retrieveRoute(family: Family) {
  return (app: App) =>
    app.get(
      `/compute/v1/${family.path}/:id`,
      {
        schema: {
          operationId: `${family.sdkResource}.retrieve`,
          summary: `Get a ${family.noun.toLowerCase()} with its input and ${family.type === 'prediction' ? 'output' : 'progress'}`,
          tags: [family.tag],
          params: JobIdParams,
          querystring: WorkspaceQuery,
          response: { 200: JobResource(family), ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const row = await findJob(app.services, request.principal, family, request.params.id, request.query.workspace_id);
        return jobResponse(app.services, family, row);
      },
    );
}
