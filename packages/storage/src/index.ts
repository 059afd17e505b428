import type { Kysely } from 'kysely';
import { type DatabaseHandle, type OpenDatabaseOptions, migrateToLatest, openDatabase } from './database.ts';
import { ApiKeyStore } from './queries/api-keys.ts';
import { FileStore } from './queries/files.ts';
import { JobStore } from './queries/jobs.ts';
import { OrganizationStore } from './queries/organizations.ts';
import { WorkspaceStore } from './queries/workspaces.ts';
import { OauthModelStore } from './queries/oauth-models.ts';
import { ServerSecretStore } from './queries/server-secrets.ts';
import { SpendingStore } from './queries/spending.ts';
import { UsageStore } from './queries/usage.ts';
import { UserStore } from './queries/users.ts';
import type { Database } from './schema.ts';

export * from './database.ts';
export * from './pagination.ts';
export * from './schema.ts';
export * from './scope.ts';
export * from './blobs/blob-store.ts';
export { LocalBlobStore, localBlobStoreIn } from './blobs/local-blob-store.ts';
export { FileStore, type FileRow } from './queries/files.ts';
export { JobStore, isUniqueViolation, type JobCompletion, type JobRow, type JobSummaryRow, type Lease, type NewJobRow } from './queries/jobs.ts';
export type { ApiKeyCredential, ApiKeyCredentialRow, ApiKeyRow } from './queries/api-keys.ts';
export type { WorkspacePatch, WorkspaceRow } from './queries/workspaces.ts';
export { SpendingStore } from './queries/spending.ts';
export { UsageStore, windowStart, type UsageBucketQuery, type UsageBucketRow, type UsageGroup, type UsageWindowSize } from './queries/usage.ts';
export type { OauthModelRecord } from './queries/oauth-models.ts';
export { normalizeEmail, type MembershipWithOrganization, type UserRow, type UserWithMemberships } from './queries/users.ts';

/** The storage layer: one store per aggregate, each with one method per question asked of it. */
export class Storage {
  readonly organizations: OrganizationStore;
  readonly workspaces: WorkspaceStore;
  readonly apiKeys: ApiKeyStore;
  readonly jobs: JobStore;
  readonly files: FileStore;
  readonly users: UserStore;
  readonly oauthModels: OauthModelStore;
  readonly secrets: ServerSecretStore;
  readonly spending: SpendingStore;
  readonly usage: UsageStore;

  constructor(private readonly handle: DatabaseHandle) {
    this.organizations = new OrganizationStore(handle.db);
    this.workspaces = new WorkspaceStore(handle.db);
    this.apiKeys = new ApiKeyStore(handle.db);
    this.jobs = new JobStore(handle.db, handle.dialect);
    this.files = new FileStore(handle.db);
    this.users = new UserStore(handle.db);
    this.oauthModels = new OauthModelStore(handle.db);
    this.secrets = new ServerSecretStore(handle.db);
    this.spending = new SpendingStore(handle.db);
    this.usage = new UsageStore(handle.db);
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

  close(): Promise<void> {
    return this.handle.close();
  }
}

export function openStorage(options: OpenDatabaseOptions): Storage {
  return new Storage(openDatabase(options));
}
