import type { PipelineFamily } from '../../families/family.ts';
import { stopRun } from '../../jobs/run-control.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { findJob } from './find-job.ts';
import { jobResponse } from './respond.ts';
import { JobIdParams, JobResource } from './schemas.ts';

/**
 * `POST /compute/v1/{family}/{id}/stop` (spec/API.md §7.2): pending or running → stopped, its
 * results kept and its unspent reservation released; stopped → unchanged; finished → 409.
 */
export function stopRoute(family: PipelineFamily) {
  return (app: App) =>
    app.post(
      `/compute/v1/${family.path}/:id/stop`,
      {
        schema: {
          operationId: `${family.sdkResource}.stop`,
          summary: `Stop a ${family.noun.toLowerCase()}; its results are kept and it can be resumed`,
          tags: [family.tag],
          params: JobIdParams,
          response: { 200: JobResource(family), ...errorResponses(401, 403, 404, 409, 429) },
        },
      },
      async (request) => {
        const job = await findJob(app.services, request.principal, family, request.params.id);
        return jobResponse(app.services, family, await stopRun(app.services, family, job));
      },
    );
}
