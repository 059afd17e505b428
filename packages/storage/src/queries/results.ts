import type { Kysely } from 'kysely';
import { type CursorPage, type CursorParams, paginateById } from '../pagination.ts';
import type { Database, JobResultsTable } from '../schema.ts';

export type JobResultRow = JobResultsTable;

export interface ResultPageQuery extends CursorParams {
  /** Only these result ids (unknown ones are skipped), applied before paging (spec/API.md §10). */
  ids?: readonly string[];
}

/**
 * Result rows of pipeline runs (spec/API.md §10), oldest first. Every read goes through the
 * (job_id, id) index, so the page after the millionth row costs what the first page costs.
 * Tenant scope is checked on the job before its results are read.
 */
export class ResultStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws a unique violation if a row with the same (job, seq) exists: nothing lands twice. */
  async insert(rows: readonly JobResultRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('job_results').values(rows).execute();
  }

  async page(jobId: string, query: ResultPageQuery): Promise<CursorPage<JobResultRow>> {
    let select = this.db.selectFrom('job_results').selectAll().where('job_id', '=', jobId);
    if (query.ids) {
      if (query.ids.length === 0) return { data: [], first_id: null, last_id: null, has_more: false };
      select = select.where('id', 'in', query.ids);
    }
    return paginateById(select, 'id', query, 'oldest_first');
  }

  /** Deletes up to `limit` rows of the job; returns how many went (fewer than `limit`: done). */
  async deleteSome(jobId: string, limit: number): Promise<number> {
    const doomed = this.db.selectFrom('job_results').select('id').where('job_id', '=', jobId).orderBy('id').limit(limit);
    const result = await this.db.deleteFrom('job_results').where('id', 'in', doomed).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
