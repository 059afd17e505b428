import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';
import { type CursorPage, type CursorParams, paginateById } from '../pagination.ts';
import type { Database, JobMode, PredictionJobsTable, PredictionKind } from '../schema.ts';
import type { JobScope, WorkspaceJobScope } from '../scope.ts';

export type JobRow = Omit<PredictionJobsTable, 'attempts'> & { attempts: number };
export type NewJobRow = Omit<PredictionJobsTable, 'attempts'>;
/** What a list shows: everything but the input and output (spec/API.md §7.2). */
export type JobSummaryRow = Omit<JobRow, 'input' | 'output' | 'input_files'>;

const SUMMARY_COLUMNS = [
  'id',
  'kind',
  'organization_id',
  'workspace_id',
  'mode',
  'status',
  'model',
  'version',
  'error',
  'idempotency_key',
  'request_fingerprint',
  'billed_units',
  'cost_milli_usd',
  'created_at',
  'started_at',
  'completed_at',
  'expires_at',
  'data_deleted_at',
  'run_after',
  'lease_owner',
  'lease_expires_at',
  'attempts',
] as const;

export interface Lease {
  owner: string;
  /** ISO time; after it, another runner may take the job over. */
  expiresAt: string;
}

export type JobCompletion =
  | { status: 'succeeded'; output: string; version: string }
  | { status: 'failed'; error: string; version: string };

/** Both dialects report a unique-index violation differently. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export class JobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Throws a unique violation (see `isUniqueViolation`) when the idempotency key is taken. */
  async insert(row: NewJobRow): Promise<void> {
    await this.db.insertInto('prediction_jobs').values(row).execute();
  }

  async find(scope: JobScope, kind: PredictionKind, id: string): Promise<JobRow | undefined> {
    let query = this.db
      .selectFrom('prediction_jobs')
      .selectAll()
      .where('organization_id', '=', scope.organizationId)
      .where('mode', '=', scope.mode)
      .where('kind', '=', kind)
      .where('id', '=', id);
    if (scope.workspaceId !== undefined) query = query.where('workspace_id', '=', scope.workspaceId);
    if (scope.activeWorkspacesOnly) query = query.where('workspace_id', 'not in', this.archivedWorkspaces(scope));
    return query.executeTakeFirst() as Promise<JobRow | undefined>;
  }

  private archivedWorkspaces(scope: JobScope) {
    return this.db.selectFrom('workspaces').select('id').where('organization_id', '=', scope.organizationId).where('archived_at', 'is not', null);
  }

  async findByIdempotencyKey(scope: WorkspaceJobScope, kind: PredictionKind, key: string): Promise<JobRow | undefined> {
    return this.db
      .selectFrom('prediction_jobs')
      .selectAll()
      .where('organization_id', '=', scope.organizationId)
      .where('workspace_id', '=', scope.workspaceId)
      .where('mode', '=', scope.mode)
      .where('kind', '=', kind)
      .where('idempotency_key', '=', key)
      .executeTakeFirst() as Promise<JobRow | undefined>;
  }

  async list(scope: WorkspaceJobScope, kind: PredictionKind, page: CursorParams): Promise<CursorPage<JobSummaryRow>> {
    let query = this.db
      .selectFrom('prediction_jobs')
      .select(SUMMARY_COLUMNS)
      .where('organization_id', '=', scope.organizationId)
      .where('workspace_id', '=', scope.workspaceId)
      .where('mode', '=', scope.mode)
      .where('kind', '=', kind);
    if (scope.activeWorkspacesOnly) query = query.where('workspace_id', 'not in', this.archivedWorkspaces(scope));
    return paginateById(query, 'id', page, 'newest_first') as Promise<CursorPage<JobSummaryRow>>;
  }

  /**
   * Takes the lease of one job that is due: a pending job whose `run_after` has passed, or a
   * running job whose runner stopped renewing its lease (crashed). PostgreSQL: `FOR UPDATE SKIP
   * LOCKED`, so concurrent runners never wait on or take the same row; SQLite: one writer at a
   * time makes the conditional UPDATE atomic.
   */
  async claimNext(modes: readonly JobMode[], lease: Lease, now: string): Promise<JobRow | undefined> {
    if (modes.length === 0) return undefined;
    const due = this.db
      .selectFrom('prediction_jobs')
      .select('id')
      .where('mode', 'in', modes)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_after', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .orderBy('run_after')
      .limit(1);
    const candidate = this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    return this.db
      .updateTable('prediction_jobs')
      .set((eb) => ({
        status: 'running',
        lease_owner: lease.owner,
        lease_expires_at: lease.expiresAt,
        attempts: eb('attempts', '+', 1),
        started_at: eb.fn.coalesce('started_at', eb.val(now)),
      }))
      .where('id', '=', (eb) => eb.selectFrom(candidate.as('due')).select('due.id'))
      .where((eb) =>
        eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)])]),
      )
      .returningAll()
      .executeTakeFirst() as Promise<JobRow | undefined>;
  }

  /** Heartbeat: false when the lease was lost (expired and taken over, or the job was purged). */
  async renewLease(id: string, lease: Lease): Promise<boolean> {
    const result = await this.db
      .updateTable('prediction_jobs')
      .set({ lease_expires_at: lease.expiresAt })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', lease.owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A runner shutting down hands its job back at once instead of letting the lease run out. */
  async releaseLease(id: string, owner: string, now: string): Promise<void> {
    await this.db
      .updateTable('prediction_jobs')
      .set({ lease_expires_at: now })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * Ends the job, only if `owner` still holds its lease: of two runners that both believe they
   * ran a job, exactly one completes it. Run inside the transaction that settles its cost.
   */
  async complete(id: string, owner: string, completion: JobCompletion, now: string, expiresAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('prediction_jobs')
      .set({
        status: completion.status,
        version: completion.version,
        output: completion.status === 'succeeded' ? completion.output : null,
        error: completion.status === 'failed' ? completion.error : null,
        completed_at: now,
        expires_at: expiresAt,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Drops input and output of a terminal job; false (and nothing changed) on a repeat (§7.5). */
  async deleteData(id: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('prediction_jobs')
      .set({ input: null, input_files: null, output: null, data_deleted_at: now })
      .where('id', '=', id)
      .where('status', 'in', ['succeeded', 'failed'])
      .where('data_deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Terminal jobs whose retention has run out and whose data is still there. */
  async findExpiredIds(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('prediction_jobs')
      .select('id')
      .where('expires_at', '<=', now)
      .where('data_deleted_at', 'is', null)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Jobs still pending or running although created before `createdBefore`. */
  async findOverdue(createdBefore: string, limit: number): Promise<JobRow[]> {
    return this.db
      .selectFrom('prediction_jobs')
      .selectAll()
      .where('status', 'in', ['pending', 'running'])
      .where('created_at', '<', createdBefore)
      .orderBy('created_at')
      .limit(limit)
      .execute() as Promise<JobRow[]>;
  }

  /** Fails an unfinished job outright and drops its data (the 30-day rule of §7.2). */
  async failOverdue(id: string, error: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('prediction_jobs')
      .set({
        status: 'failed',
        error,
        completed_at: now,
        expires_at: now,
        data_deleted_at: now,
        input: null,
        input_files: null,
        output: null,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Time of the next pending job becoming due, so an idle runner knows when to look again. */
  async nextRunAfter(modes: readonly JobMode[]): Promise<string | undefined> {
    if (modes.length === 0) return undefined;
    const row = await this.db
      .selectFrom('prediction_jobs')
      .select(sql<string>`min(run_after)`.as('next'))
      .where('status', '=', 'pending')
      .where('mode', 'in', modes)
      .executeTakeFirst();
    return row?.next ?? undefined;
  }
}
