import type { Kysely } from 'kysely';
import type { ComputeRole, Database, OrganizationMembershipsTable, UsersTable } from '../schema.ts';

export type UserRow = UsersTable;

export interface MembershipWithOrganization extends OrganizationMembershipsTable {
  organization_name: string;
}

/** Emails are compared case-insensitively: they are stored lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values({ ...row, email: normalizeEmail(row.email) }).execute();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setPasswordHash(id: string, passwordHash: string, now: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', id).execute();
  }

  async memberships(userId: string): Promise<MembershipWithOrganization[]> {
    return this.db
      .selectFrom('organization_memberships')
      .innerJoin('organizations', 'organizations.id', 'organization_memberships.organization_id')
      .selectAll('organization_memberships')
      .select('organizations.name as organization_name')
      .where('organization_memberships.user_id', '=', userId)
      .orderBy('organization_memberships.organization_id')
      .execute();
  }

  /** Adds the membership, or changes the role of an existing one. */
  async putMembership(organizationId: string, userId: string, role: ComputeRole, now: string): Promise<void> {
    await this.db
      .insertInto('organization_memberships')
      .values({ organization_id: organizationId, user_id: userId, compute_role: role, created_at: now })
      .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ compute_role: role }))
      .execute();
    await this.db
      .updateTable('users')
      .set({ active_organization_id: organizationId })
      .where('id', '=', userId)
      .where('active_organization_id', 'is', null)
      .execute();
  }
}
