import type { Kysely } from 'kysely';
import { type CursorPage, type CursorParams, paginateById } from '../pagination.ts';
import type { ApiKeysTable, Database } from '../schema.ts';
import type { OrganizationScope } from '../scope.ts';

export type ApiKeyRow = ApiKeysTable;

/** A key row joined with what authentication needs to know about its workspace. */
export interface ApiKeyCredentialRow extends ApiKeyRow {
  workspace_archived_at: string | null;
}

/** What authentication caches about a key: also its organization's name, which `auth/me` shows. */
export interface ApiKeyCredential extends ApiKeyCredentialRow {
  organization_name: string;
}

export class ApiKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  /** The hash is the lookup key: the secret itself is never stored or compared. */
  async findByHash(keyHash: string): Promise<ApiKeyCredential | undefined> {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('organizations', 'organizations.id', 'api_keys.organization_id')
      .leftJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
      .selectAll('api_keys')
      .select(['workspaces.archived_at as workspace_archived_at', 'organizations.name as organization_name'])
      .where('api_keys.key_hash', '=', keyHash)
      .executeTakeFirst();
  }

  async find(scope: OrganizationScope, id: string): Promise<ApiKeyCredentialRow | undefined> {
    return this.db
      .selectFrom('api_keys')
      .leftJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
      .selectAll('api_keys')
      .select('workspaces.archived_at as workspace_archived_at')
      .where('api_keys.organization_id', '=', scope.organizationId)
      .where('api_keys.id', '=', id)
      .executeTakeFirst();
  }

  async list(
    scope: OrganizationScope,
    filter: { workspaceId?: string },
    page: CursorParams,
  ): Promise<CursorPage<ApiKeyCredentialRow>> {
    let query = this.db
      .selectFrom('api_keys')
      .leftJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
      .selectAll('api_keys')
      .select('workspaces.archived_at as workspace_archived_at')
      .where('api_keys.organization_id', '=', scope.organizationId);
    if (filter.workspaceId) query = query.where('api_keys.workspace_id', '=', filter.workspaceId);
    return paginateById(query, 'api_keys.id', page, 'newest_first');
  }

  /** Revoking an inactive key leaves it unchanged (first revocation time kept). */
  async revoke(scope: OrganizationScope, id: string, now: string): Promise<ApiKeyCredentialRow | undefined> {
    await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('organization_id', '=', scope.organizationId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return this.find(scope, id);
  }

  /** Batched `last_used_at` writes: one statement per key per flush, not one per request. */
  async recordLastUsed(lastUsed: ReadonlyMap<string, string>): Promise<void> {
    if (lastUsed.size === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [id, at] of lastUsed) {
        await trx.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
      }
    });
  }

  async hashesOfWorkspace(workspaceId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('api_keys').select('key_hash').where('workspace_id', '=', workspaceId).execute();
    return rows.map((r) => r.key_hash);
  }
}
