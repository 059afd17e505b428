import type { Kysely } from 'kysely';
import type { Database, FilesTable } from '../schema.ts';

export type FileRow = FilesTable;

/**
 * Files of jobs (uploaded inputs and engine outputs). The bytes live in the blob store under
 * `storage_key`; deleting a file marks its row first, so its URLs answer 404 at once.
 */
export class FileStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(rows: FileRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('files').values(rows).execute();
  }

  /**
   * Not tenant-scoped on purpose: a presigned URL is its own authorisation (decision h), and
   * its signature has been checked before this is asked.
   */
  async findForDownload(id: string): Promise<FileRow | undefined> {
    return this.db.selectFrom('files').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  }

  async findLive(ids: readonly string[]): Promise<FileRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('files').selectAll().where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  }

  /** Marks every file of the job deleted; returns the storage keys whose bytes must go. */
  async markDeletedForJob(jobId: string, now: string, role?: FileRow['role']): Promise<string[]> {
    let select = this.db.selectFrom('files').select('storage_key').where('job_id', '=', jobId).where('deleted_at', 'is', null);
    let update = this.db.updateTable('files').set({ deleted_at: now }).where('job_id', '=', jobId).where('deleted_at', 'is', null);
    if (role) {
      select = select.where('role', '=', role);
      update = update.where('role', '=', role);
    }
    const rows = await select.execute();
    await update.execute();
    return rows.map((r) => r.storage_key);
  }
}
