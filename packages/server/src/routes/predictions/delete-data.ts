import { conflict, notFound } from '../../errors.ts';
import { canonicalJobId, type PredictionFamily } from '../../jobs/families.ts';
import { deleteJobData } from '../../jobs/job-data.ts';
import { scopeForJobRead } from '../../jobs/workspace-selection.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { DeleteDataResponse, PredictionIdParams } from './schemas.ts';

/**
 * `POST /compute/v1/predictions/{family}/{id}/delete-data` (spec/API.md §7.5): terminal jobs
 * only, irreversible and idempotent; afterwards input and output are null and file URLs 404.
 */
export function deleteDataRoute(family: PredictionFamily) {
  return (app: App) =>
    app.post(
      `/compute/v1/predictions/${family.path}/:id/delete-data`,
      {
        schema: {
          operationId: `${family.sdkResource}.deleteData`,
          summary: `Delete the input, output and files of a finished ${family.application} prediction`,
          tags: [family.tag],
          params: PredictionIdParams,
          response: { 200: DeleteDataResponse, ...errorResponses(401, 403, 404, 409, 429) },
        },
      },
      async (request) => {
        const { storage, blobs } = app.services;
        const scope = scopeForJobRead(request.principal, undefined);
        const id = canonicalJobId(family, request.params.id);
        const job = await storage.jobs.find(scope, family.kind, id);
        if (!job) throw notFound(`Prediction ${request.params.id} not found`);
        if (job.status === 'pending' || job.status === 'running') {
          throw conflict(`Prediction ${job.id} is ${job.status}; its data can be deleted once it has finished`);
        }
        await deleteJobData(storage, blobs, job.id, app.services.now());
        const deleted = await storage.jobs.find(scope, family.kind, id);
        return { id: job.id, data_deleted: true as const, data_deleted_at: deleted!.data_deleted_at! };
      },
    );
}
