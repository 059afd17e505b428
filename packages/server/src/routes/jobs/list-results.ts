import { invalidRequest } from '../../errors.ts';
import type { PipelineFamily } from '../../families/family.ts';
import { CursorPage, errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { findJob } from './find-job.ts';
import { resultsResponse } from './respond.ts';
import { JobIdParams, MAX_RESULT_IDS, ResultItem, ResultsQuery } from './schemas.ts';

const EMPTY_PAGE = { data: [], first_id: null, last_id: null, has_more: false };

/**
 * `GET /compute/v1/{family}/{id}/results` (spec/API.md §4.1, §10): result rows oldest first,
 * readable while the run is running and after it stopped or failed; empty once its data was
 * deleted. `ids` narrows the rows before paging; unknown ids are skipped.
 */
export function listResultsRoute(family: PipelineFamily) {
  return (app: App) =>
    app.get(
      `/compute/v1/${family.path}/:id/results`,
      {
        schema: {
          operationId: `${family.sdkResource}.listResults`,
          summary: `List the results of a ${family.noun.toLowerCase()}, oldest first`,
          tags: [family.tag],
          params: JobIdParams,
          querystring: ResultsQuery,
          response: { 200: CursorPage(ResultItem), ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const { workspace_id, ids: idList, ...page } = request.query;
        const ids = idList?.split(',').map((id) => id.trim()).filter((id) => id !== '');
        if (ids && ids.length > MAX_RESULT_IDS) {
          throw invalidRequest(`ids must list at most ${MAX_RESULT_IDS} result ids`, { ids: `must list at most ${MAX_RESULT_IDS} ids (got ${ids.length})` });
        }
        const job = await findJob(app.services, request.principal, family, request.params.id, workspace_id);
        if (job.data_deleted_at !== null) return EMPTY_PAGE;
        const results = await app.services.storage.results.page(job.id, { ...page, ids });
        return { ...results, data: resultsResponse(app.services, results.data) };
      },
    );
}
