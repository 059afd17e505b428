import { type Kysely, sql } from 'kysely';
import { type CursorPage, type CursorParams, paginateById } from '../pagination.ts';
import type { Database, SpendingLimitsTable, WorkspacesTable } from '../schema.ts';
import { precompiled } from '../precompiled.ts';
import type { OrganizationScope } from '../scope.ts';

export type WorkspaceRow = WorkspacesTable;
export type WorkspacePatch = Partial<Pick<WorkspacesTable, 'name' | 'retention_unit' | 'retention_value'>>;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export class WorkspaceStore {
  private readonly findById;

  constructor(private readonly db: Kysely<Database>) {
    this.findById = precompiled(
      db,
      (organizationId: string, id: string) =>
        db.selectFrom('workspaces').selectAll().where('organization_id', '=', organizationId).where('id', '=', id),
      'org',
      'ws',
    );
  }

  async insert(row: WorkspaceRow, spendingLimit?: SpendingLimitsTable): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('workspaces').values(row).execute();
      if (spendingLimit) await trx.insertInto('spending_limits').values(spendingLimit).execute();
    });
  }

  /** The hot lookup of every workspace route and job start: precompiled. */
  async find(scope: OrganizationScope, id: string): Promise<WorkspaceRow | undefined> {
    return this.findById(scope.organizationId, id);
  }

  async findDefault(scope: OrganizationScope): Promise<WorkspaceRow | undefined> {
    return this.db
      .selectFrom('workspaces')
      .selectAll()
      .where('organization_id', '=', scope.organizationId)
      .where('is_default', '=', 1)
      .executeTakeFirst();
  }

  async list(
    scope: OrganizationScope,
    filter: { namePrefix?: string },
    page: CursorParams,
  ): Promise<CursorPage<WorkspaceRow>> {
    let query = this.db.selectFrom('workspaces').selectAll().where('organization_id', '=', scope.organizationId);
    if (filter.namePrefix) {
      const pattern = `${escapeLike(filter.namePrefix.toLowerCase())}%`;
      query = query.where(sql<boolean>`name_lower like ${pattern} escape '\\'`);
    }
    return paginateById(query, 'id', page, 'newest_first');
  }

  async update(scope: OrganizationScope, id: string, patch: WorkspacePatch, now: string): Promise<WorkspaceRow | undefined> {
    const values: Partial<WorkspacesTable> = { ...patch, updated_at: now };
    if ('name' in patch) values.name_lower = patch.name === null || patch.name === undefined ? null : patch.name.toLowerCase();
    await this.db
      .updateTable('workspaces')
      .set(values)
      .where('organization_id', '=', scope.organizationId)
      .where('id', '=', id)
      .execute();
    return this.find(scope, id);
  }

  /** Irreversible; archiving twice keeps the first timestamp. */
  async archive(scope: OrganizationScope, id: string, now: string): Promise<WorkspaceRow | undefined> {
    await this.db
      .updateTable('workspaces')
      .set({ archived_at: now, updated_at: now })
      .where('organization_id', '=', scope.organizationId)
      .where('id', '=', id)
      .where('archived_at', 'is', null)
      .execute();
    return this.find(scope, id);
  }
}
