import { toEstimateCostResponse } from '../../billing/prices.ts';
import type { PredictionFamily } from '../../jobs/families.ts';
import { type StartBody, checkAndQuote } from '../../jobs/start-job.ts';
import { workspaceForNewJob } from '../../jobs/workspace-selection.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { EstimateCostResponse } from './schemas.ts';

/**
 * `POST /compute/v1/predictions/{family}/estimate-cost` (spec/API.md §7.4): the start body,
 * validated the same way; creates and reserves nothing. Test mode quotes live prices.
 */
export function estimateCostRoute(family: PredictionFamily) {
  return (app: App) =>
    app.post(
      `/compute/v1/predictions/${family.path}/estimate-cost`,
      {
        schema: {
          operationId: `${family.sdkResource}.estimateCost`,
          summary: `Estimate the cost of a ${family.application} prediction`,
          tags: [family.tag],
          body: family.startBody,
          response: { 200: EstimateCostResponse, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        const body = request.body as StartBody;
        await workspaceForNewJob(app.services, request.principal, body.workspace_id);
        return toEstimateCostResponse(await checkAndQuote(app.services, family, body.input));
      },
    );
}
