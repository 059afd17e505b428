import type { Kysely } from 'kysely';
import { type DatabaseHandle, type Dialect, type OpenDatabaseOptions, migrateToLatest, migrationStatus, openDatabase } from './database.ts';
import { ApiKeyStore } from './queries/api-keys.ts';
import { FileStore } from './queries/files.ts';
import { JobStore } from './queries/jobs.ts';
import { ResultStore } from './queries/results.ts';
import { OrganizationStore } from './queries/organizations.ts';
import { WorkspaceStore } from './queries/workspaces.ts';
import { OauthModelStore } from './queries/oauth-models.ts';
import { ServerSecretStore } from './queries/server-secrets.ts';
import { SpendingStore } from './queries/spending.ts';
import { UsageStore } from './queries/usage.ts';
import { UserStore } from './queries/users.ts';
import { AuditStore } from './queries/audit.ts';
import type { Database } from './schema.ts';

export * from './database.ts';
export * from './pagination.ts';
export * from './schema.ts';
export * from './scope.ts';
export * from './blobs/blob-store.ts';
export { LocalBlobStore, localBlobStoreIn } from './blobs/local-blob-store.ts';
export { FileStore, type FileRow } from './queries/files.ts';
export { JobStore, isUniqueViolation, type BatchCommit, type JobCompletion, type JobRow, type JobSummaryRow, type Lease, type NewJobRow, type QueueStat, type RunnableKinds } from './queries/jobs.ts';
export { ResultStore, type JobResultRow, type ResultPageQuery } from './queries/results.ts';
export type { ApiKeyCredential, ApiKeyCredentialRow, ApiKeyRow } from './queries/api-keys.ts';
export type { WorkspacePatch, WorkspaceRow } from './queries/workspaces.ts';
export { SpendingStore } from './queries/spending.ts';
export { AuditStore, type AuditEventRow, type AuditQuery, type NewAuditEvent } from './queries/audit.ts';
export { UsageStore, windowStart, type UsageBucketQuery, type UsageBucketRow, type UsageGroup, type UsageWindowSize } from './queries/usage.ts';
export type { OauthModelRecord } from './queries/oauth-models.ts';
export { normalizeEmail, type MembershipWithOrganization, type UserRow, type UserWithMemberships } from './queries/users.ts';

/** One store per aggregate, each with one method per question asked of it, over one connection. */
export class Stores {
  readonly organizations: OrganizationStore;
  readonly workspaces: WorkspaceStore;
  readonly apiKeys: ApiKeyStore;
  readonly jobs: JobStore;
  readonly results: ResultStore;
  readonly files: FileStore;
  readonly users: UserStore;
  readonly oauthModels: OauthModelStore;
  readonly secrets: ServerSecretStore;
  readonly spending: SpendingStore;
  readonly usage: UsageStore;
  readonly audit: AuditStore;

  constructor(db: Kysely<Database>, dialect: Dialect) {
    this.organizations = new OrganizationStore(db);
    this.workspaces = new WorkspaceStore(db);
    this.apiKeys = new ApiKeyStore(db);
    this.jobs = new JobStore(db, dialect);
    this.results = new ResultStore(db);
    this.files = new FileStore(db);
    this.users = new UserStore(db);
    this.oauthModels = new OauthModelStore(db);
    this.secrets = new ServerSecretStore(db);
    this.spending = new SpendingStore(db);
    this.usage = new UsageStore(db);
    this.audit = new AuditStore(db);
  }
}

/**
 * The storage layer. Outside a transaction its stores run each query on its own; `transaction`
 * hands the same stores bound to one transaction, which commits when `work` resolves and rolls
 * back when it throws. Callers never see a database handle.
 */
export class Storage extends Stores {
  constructor(private readonly handle: DatabaseHandle) {
    super(handle.db, handle.dialect);
  }

  transaction<T>(work: (tx: Stores) => Promise<T>): Promise<T> {
    return this.handle.db.transaction().execute((trx) => work(new Stores(trx, this.handle.dialect)));
  }

  get db(): Kysely<Database> {
    return this.handle.db;
  }

  get dialect() {
    return this.handle.dialect;
  }

  migrate(): Promise<string[]> {
    return migrateToLatest(this.handle.db);
  }

  migrationStatus(): Promise<{ applied: string[]; pending: string[] }> {
    return migrationStatus(this.handle.db);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export function openStorage(options: OpenDatabaseOptions): Storage {
  return new Storage(openDatabase(options));
}
