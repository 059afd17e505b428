import { toEstimateCostResponse } from '../../billing/prices.ts';
import type { Family } from '../../families/family.ts';
import { discardIncoming } from '../../files/input-files.ts';
import { type StartBody, checkAndQuote } from '../../jobs/start-job.ts';
import { workspaceForNewJob } from '../../jobs/workspace-selection.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { EstimateCostResponse } from './schemas.ts';

/**
 * `POST /compute/v1/{family}/estimate-cost` (spec/API.md §7.4): the start body, validated the
 * same way (file inputs included); creates and reserves nothing. Test mode quotes live prices.
 */
export function estimateCostRoute(family: Family) {
  return (app: App) =>
    app.post(
      `/compute/v1/${family.path}/estimate-cost`,
      {
        schema: {
          operationId: `${family.sdkResource}.estimateCost`,
          summary: `Estimate the cost of a ${family.noun.toLowerCase()}`,
          tags: [family.tag],
          body: family.startBody,
          response: { 200: EstimateCostResponse, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        const body = request.body as StartBody;
        await workspaceForNewJob(app.services, request.principal, body.workspace_id);
        const { quote, received } = await checkAndQuote(app.services, family, family.inputOf(body));
        // Creates nothing: what was taken in to check goes (a streamed file was stored).
        await discardIncoming(app.services.blobs, received);
        return toEstimateCostResponse(quote);
      },
    );
}
