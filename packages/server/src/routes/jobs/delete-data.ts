import { conflict } from '../../errors.ts';
import type { Family } from '../../families/family.ts';
import { deleteJobData } from '../../jobs/job-data.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { findJob } from './find-job.ts';
import { DeleteDataResponse, JobIdParams } from './schemas.ts';

/**
 * `POST /compute/v1/{family}/{id}/delete-data` (spec/API.md §7.5): terminal jobs only,
 * irreversible and idempotent; afterwards input, output and results are gone and file URLs 404.
 */
export function deleteDataRoute(family: Family) {
  return (app: App) =>
    app.post(
      `/compute/v1/${family.path}/:id/delete-data`,
      {
        schema: {
          operationId: `${family.sdkResource}.deleteData`,
          summary: `Delete the input, ${family.type === 'prediction' ? 'output' : 'results'} and files of a finished ${family.noun.toLowerCase()}`,
          tags: [family.tag],
          params: JobIdParams,
          response: { 200: DeleteDataResponse, ...errorResponses(401, 403, 404, 409, 429) },
        },
      },
      async (request) => {
        const { services } = app;
        const job = await findJob(services, request.principal, family, request.params.id);
        if (job.status === 'pending' || job.status === 'running') {
          throw conflict(`${family.noun} ${job.id} is ${job.status}; its data can be deleted once it has ${family.type === 'prediction' ? 'finished' : 'finished or been stopped'}`);
        }
        const deletedAt = await deleteJobData(services.storage, services.blobs, job.id, services.now());
        return { id: job.id, data_deleted: true as const, data_deleted_at: job.data_deleted_at ?? deletedAt };
      },
    );
}
