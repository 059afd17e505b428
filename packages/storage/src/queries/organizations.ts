import type { Kysely } from 'kysely';
import type { Database, OrganizationsTable, WorkspacesTable } from '../schema.ts';

export class OrganizationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findFirst(): Promise<OrganizationsTable | undefined> {
    return this.db.selectFrom('organizations').selectAll().orderBy('id').limit(1).executeTakeFirst();
  }

  async findById(id: string): Promise<OrganizationsTable | undefined> {
    return this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertWithDefaultWorkspace(org: OrganizationsTable, workspace: WorkspacesTable): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('organizations').values(org).execute();
      await trx.insertInto('workspaces').values(workspace).execute();
    });
  }
}
