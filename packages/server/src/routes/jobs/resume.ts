import type { PipelineFamily } from '../../families/family.ts';
import { resumeRun } from '../../jobs/run-control.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { findJob } from './find-job.ts';
import { jobResponse } from './respond.ts';
import { JobIdParams, JobResource } from './schemas.ts';

/**
 * `POST /compute/v1/{family}/{id}/resume` (spec/API.md §7.2): stopped → pending, continuing from
 * its checkpoint; pending or running → unchanged; finished → 409. Live runs reserve what is left
 * to produce again, so a resume can meet the spending limit (402).
 */
export function resumeRoute(family: PipelineFamily) {
  return (app: App) =>
    app.post(
      `/compute/v1/${family.path}/:id/resume`,
      {
        schema: {
          operationId: `${family.sdkResource}.resume`,
          summary: `Resume a stopped ${family.noun.toLowerCase()} from its last checkpoint`,
          tags: [family.tag],
          params: JobIdParams,
          response: { 200: JobResource(family), ...errorResponses(401, 402, 403, 404, 409, 429) },
        },
      },
      async (request) => {
        const job = await findJob(app.services, request.principal, family, request.params.id);
        return jobResponse(app.services, family, await resumeRun(app.services, family, job));
      },
    );
}
