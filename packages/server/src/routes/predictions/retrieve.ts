import { canonicalJobId, type PredictionFamily } from '../../jobs/families.ts';
import { scopeForJobRead } from '../../jobs/workspace-selection.ts';
import { notFound } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { predictionResponse } from './respond.ts';
import { Prediction, PredictionIdParams, WorkspaceQuery } from './schemas.ts';

/** `GET /compute/v1/predictions/{family}/{id}`; ids outside the caller's scope or mode → 404. */
export function retrieveRoute(family: PredictionFamily) {
  return (app: App) =>
    app.get(
      `/compute/v1/predictions/${family.path}/:id`,
      {
        schema: {
          operationId: `${family.sdkResource}.retrieve`,
          summary: `Get a ${family.application} prediction with its input and output`,
          tags: [family.tag],
          params: PredictionIdParams,
          querystring: WorkspaceQuery,
          response: { 200: Prediction(family), ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const scope = scopeForJobRead(request.principal, request.query.workspace_id);
        const row = await app.services.storage.jobs.find(scope, family.kind, canonicalJobId(family, request.params.id));
        if (!row) throw notFound(`Prediction ${request.params.id} not found`);
        return predictionResponse(app.services, row);
      },
    );
}
