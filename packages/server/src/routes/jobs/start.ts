import type { Family } from '../../families/family.ts';
import { type StartBody, startJob } from '../../jobs/start-job.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { jobResponse } from './respond.ts';
import { JobResource } from './schemas.ts';

/** `POST /compute/v1/{family}` (spec/API.md §7.2, §8–§10): answers with the new job, usually pending. */
export function startRoute(family: Family) {
  return (app: App) =>
    app.post(
      `/compute/v1/${family.path}`,
      {
        schema: {
          operationId: `${family.sdkResource}.start`,
          summary: `Start a ${family.noun.toLowerCase()}; poll it with retrieve`,
          tags: [family.tag],
          body: family.startBody,
          response: { 200: JobResource(family), ...errorResponses(400, 401, 402, 403, 404, 409, 422, 429, 501) },
        },
      },
      async (request) => {
        const row = await startJob(app.services, family, request.principal, request.body as StartBody);
        return jobResponse(app.services, family, row);
      },
    );
}
