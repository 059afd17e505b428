import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';
import { type CursorPage, type CursorParams, paginateById } from '../pagination.ts';
import type { Database, JobKind, JobMode, JobsTable } from '../schema.ts';
import type { JobScope, WorkspaceJobScope } from '../scope.ts';

type Counters = 'attempts' | 'result_count' | 'settled_units' | 'unit_cost_milli_usd';
export type JobRow = Omit<JobsTable, Counters> & Record<Counters, number>;
export type NewJobRow = Omit<JobsTable, Counters> & Partial<Record<Counters, number>>;
/** What a list shows: everything but the input, output and checkpoint (spec/API.md §7.2). */
export type JobSummaryRow = Omit<JobRow, 'input' | 'output' | 'input_files' | 'checkpoint'>;

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
  'progress',
  'result_count',
  'settled_units',
  'idempotency_key',
  'request_fingerprint',
  'billed_units',
  'cost_milli_usd',
  'unit_cost_milli_usd',
  'created_at',
  'started_at',
  'completed_at',
  'stopped_at',
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

/** Which jobs a runner can run: test mode of these kinds, live mode of those. */
export type RunnableKinds = Record<JobMode, readonly JobKind[]>;

/** How a job ends: predictions with an output, pipelines with their final progress. */
export type JobCompletion =
  | { status: 'succeeded'; version: string; output?: string; progress?: string }
  | { status: 'failed'; version: string; error: string; progress?: string };

/** What a committed batch of pipeline results changes on its job (spec/API.md §10). */
export interface BatchCommit {
  /** `result_count` the runner last saw: a concurrent commit makes this one fail. */
  expectedResultCount: number;
  addedResults: number;
  addedUnits: number;
  progress: string;
  checkpoint: string | null;
}

/** Both dialects report a unique-index violation differently. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const TERMINAL = ['succeeded', 'failed', 'stopped'] as const;
const ACTIVE = ['pending', 'running'] as const;

export class JobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Throws a unique violation (see `isUniqueViolation`) when the idempotency key is taken. */
  async insert(row: NewJobRow): Promise<void> {
    await this.db.insertInto('jobs').values(row).execute();
  }

  async find(scope: JobScope, kind: JobKind, id: string): Promise<JobRow | undefined> {
    let query = this.db
      .selectFrom('jobs')
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

  /** The runner's own re-read of a job it holds (no tenant scope: the lease is the authority). */
  async findById(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst() as Promise<JobRow | undefined>;
  }

  async findByIdempotencyKey(scope: WorkspaceJobScope, kind: JobKind, key: string): Promise<JobRow | undefined> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('organization_id', '=', scope.organizationId)
      .where('workspace_id', '=', scope.workspaceId)
      .where('mode', '=', scope.mode)
      .where('kind', '=', kind)
      .where('idempotency_key', '=', key)
      .executeTakeFirst() as Promise<JobRow | undefined>;
  }

  async list(scope: WorkspaceJobScope, kind: JobKind, page: CursorParams): Promise<CursorPage<JobSummaryRow>> {
    let query = this.db
      .selectFrom('jobs')
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
   * time makes the conditional UPDATE atomic. Only kinds this runner has an engine for.
   */
  async claimNext(runnable: RunnableKinds, lease: Lease, now: string): Promise<JobRow | undefined> {
    const modes = (Object.keys(runnable) as JobMode[]).filter((mode) => runnable[mode].length > 0);
    if (modes.length === 0) return undefined;
    const due = this.db
      .selectFrom('jobs')
      .select('id')
      .where((eb) => eb.or(modes.map((mode) => eb.and([eb('mode', '=', mode), eb('kind', 'in', runnable[mode])]))))
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
      .updateTable('jobs')
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

  /** Heartbeat: false when the lease was lost (expired and taken over, stopped, or purged). */
  async renewLease(id: string, lease: Lease): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: lease.expiresAt })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', lease.owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * A runner shutting down hands its job back at once instead of letting the lease run out. The
   * attempt it took is given back too: a deploy is not a failure of the job.
   */
  async releaseLease(id: string, owner: string, now: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set((eb) => ({ lease_expires_at: now, attempts: eb('attempts', '-', 1) }))
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
      .updateTable('jobs')
      .set({
        status: completion.status,
        version: completion.version,
        output: completion.status === 'succeeded' ? (completion.output ?? null) : null,
        error: completion.status === 'failed' ? completion.error : null,
        ...(completion.progress !== undefined ? { progress: completion.progress } : {}),
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

  /**
   * Records a batch of pipeline results on the job — count, units, progress, checkpoint — only
   * while `owner` holds the lease and no other commit came in between. The caller inserts the
   * rows and settles their cost in the same transaction, so all of it happens or none.
   */
  async commitBatch(id: string, owner: string, batch: BatchCommit): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        result_count: eb('result_count', '+', batch.addedResults),
        settled_units: eb('settled_units', '+', batch.addedUnits),
        progress: batch.progress,
        checkpoint: batch.checkpoint,
      }))
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .where('result_count', '=', batch.expectedResultCount)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * `stop` (spec/API.md §7.2): a pending or running job becomes `stopped` and loses its lease,
   * which the runner notices at its next heartbeat or commit. False when it was not active.
   */
  async stop(id: string, now: string, expiresAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'stopped', stopped_at: now, expires_at: expiresAt, lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('status', 'in', ACTIVE)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * `resume`: a stopped job is queued again from its checkpoint. A resume is a fresh start for
   * the crash counter: interruptions before the stop do not count against the resumed run.
   */
  async resume(id: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'pending', stopped_at: null, expires_at: null, run_after: now, attempts: 0 })
      .where('id', '=', id)
      .where('status', '=', 'stopped')
      .where('data_deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Drops input, output and checkpoint of a terminal job; false (and nothing changed) on a repeat (§7.5). */
  async deleteData(id: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ input: null, input_files: null, output: null, checkpoint: null, data_deleted_at: now })
      .where('id', '=', id)
      .where('status', 'in', TERMINAL)
      .where('data_deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Terminal jobs whose retention has run out and whose data is still there. */
  async findExpiredIds(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('expires_at', '<=', now)
      .where('status', 'in', TERMINAL)
      .where('data_deleted_at', 'is', null)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Jobs not terminal although created before `createdBefore` (stopped ones included, §7.2). */
  async findOverdue(createdBefore: string, limit: number): Promise<JobRow[]> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', ['pending', 'running', 'stopped'])
      .where('created_at', '<', createdBefore)
      .orderBy('created_at')
      .limit(limit)
      .execute() as Promise<JobRow[]>;
  }

  /** Fails an unfinished job outright and drops its data (the 30-day rule of §7.2). */
  async failOverdue(id: string, error: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        status: 'failed',
        error,
        completed_at: now,
        stopped_at: null,
        expires_at: now,
        data_deleted_at: now,
        input: null,
        input_files: null,
        output: null,
        checkpoint: null,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'running', 'stopped'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Jobs whose data was deleted while result rows remain: deleting a million rows is done in
   * batches by the retention sweeper, not in the request that deletes the data.
   */
  async findResultsToPurge(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('data_deleted_at', 'is not', null)
      .where('result_count', '>', 0)
      .orderBy('data_deleted_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Every result row of the job is gone: it no longer needs purging. */
  async markResultsPurged(id: string): Promise<void> {
    await this.db.updateTable('jobs').set({ result_count: 0 }).where('id', '=', id).where('data_deleted_at', 'is not', null).execute();
  }

  /** Time of the next pending job becoming due, so an idle runner knows when to look again. */
  async nextRunAfter(modes: readonly JobMode[]): Promise<string | undefined> {
    if (modes.length === 0) return undefined;
    const row = await this.db
      .selectFrom('jobs')
      .select(sql<string>`min(run_after)`.as('next'))
      .where('status', '=', 'pending')
      .where('mode', 'in', modes)
      .executeTakeFirst();
    return row?.next ?? undefined;
  }

  /** Jobs waiting or running per kind and mode, with the oldest one's creation time (`/metrics`). */
  async queueStats(): Promise<QueueStat[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['kind', 'mode', 'status', sql<number>`count(*)`.as('count'), sql<string>`min(created_at)`.as('oldest')])
      .where('status', 'in', ['pending', 'running'])
      .groupBy(['kind', 'mode', 'status'])
      .execute();
    return rows.map((row) => ({ ...row, status: row.status as QueueStat['status'], count: Number(row.count) }));
  }
}

export interface QueueStat {
  kind: JobKind;
  mode: JobMode;
  status: 'pending' | 'running';
  count: number;
  /** created_at of the oldest job of the group. */
  oldest: string;
}
