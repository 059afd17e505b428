import type { Kysely, Transaction } from 'kysely';
import type { ComputeRole, Database, OrganizationMembershipsTable, UsersTable } from '../schema.ts';

export type UserRow = UsersTable;

export interface MembershipWithOrganization extends OrganizationMembershipsTable {
  organization_name: string;
}

export interface UserWithMemberships extends UserRow {
  memberships: Array<Pick<OrganizationMembershipsTable, 'organization_id' | 'compute_role'>>;
}

/**
 * Ends every sign-in of a user at once: their OAuth grants, sessions, codes and refresh tokens
 * are deleted, and access tokens issued until now are refused (`tokens_revoked_at`, checked
 * with the user row that every Bearer request reads).
 */
async function revokeSignIns(trx: Transaction<Database>, userId: string, now: string): Promise<void> {
  await trx.deleteFrom('oauth_models').where('account_id', '=', userId).execute();
  await trx.updateTable('users').set({ tokens_revoked_at: now, updated_at: now }).where('id', '=', userId).execute();
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

  /** Every user with their memberships, by email. */
  async list(): Promise<UserWithMemberships[]> {
    const [users, memberships] = await Promise.all([
      this.db.selectFrom('users').selectAll().orderBy('email').execute(),
      this.db.selectFrom('organization_memberships').select(['user_id', 'organization_id', 'compute_role']).orderBy('organization_id').execute(),
    ]);
    return users.map((user) => ({
      ...user,
      memberships: memberships.filter((m) => m.user_id === user.id).map(({ organization_id, compute_role }) => ({ organization_id, compute_role })),
    }));
  }

  /** A new password ends the user's sign-ins: whoever knew the old one is signed out. */
  async setPasswordHash(id: string, passwordHash: string, now: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
      await revokeSignIns(trx, id, now);
    });
  }

  /** `disabled`: no sign-in and no token accepted until enabled again; sign-ins end at once. */
  async setDisabled(id: string, disabled: boolean, now: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ disabled_at: disabled ? now : null, updated_at: now }).where('id', '=', id).execute();
      if (disabled) await revokeSignIns(trx, id, now);
    });
  }

  /** The user with their memberships and every OAuth row of theirs. */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('oauth_models').where('account_id', '=', id).execute();
      await trx.deleteFrom('organization_memberships').where('user_id', '=', id).execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
    });
  }

  /**
   * Removes the user from an organization and ends their sign-ins (tokens name no organization:
   * they must sign in again to act in the ones left). The active organization moves to another
   * membership, if any. False when there was no such membership.
   */
  async removeMembership(organizationId: string, userId: string, now: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx.deleteFrom('organization_memberships').where('organization_id', '=', organizationId).where('user_id', '=', userId).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return false;
      const next = await trx.selectFrom('organization_memberships').select('organization_id').where('user_id', '=', userId).orderBy('organization_id').executeTakeFirst();
      await trx
        .updateTable('users')
        .set({ active_organization_id: next?.organization_id ?? null })
        .where('id', '=', userId)
        .where('active_organization_id', '=', organizationId)
        .execute();
      await revokeSignIns(trx, userId, now);
      return true;
    });
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
