import type { PredictionFamily } from '../../jobs/families.ts';
import { type StartBody, startJob } from '../../jobs/start-job.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { predictionResponse } from './respond.ts';
import { Prediction } from './schemas.ts';

/** `POST /compute/v1/predictions/{family}` (spec/API.md §7.2, §8, §9). */
export function startRoute(family: PredictionFamily) {
  return (app: App) =>
    app.post(
      `/compute/v1/predictions/${family.path}`,
      {
        schema: {
          operationId: `${family.sdkResource}.start`,
          summary: `Start a ${family.application} prediction; poll it with retrieve`,
          tags: [family.tag],
          body: family.startBody,
          response: { 200: Prediction(family), ...errorResponses(400, 401, 402, 403, 404, 409, 422, 429, 501) },
        },
      },
      async (request) => {
        const row = await startJob(app.services, family, request.principal, request.body as StartBody);
        return predictionResponse(app.services, row);
      },
    );
}
