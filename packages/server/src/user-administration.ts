import { ID_PREFIXES, newId, randomBase62 } from '@boltz/shared';
import type { ComputeRole, Storage, UserRow, UserWithMemberships } from '@boltz/storage';
import { ConfigError } from './config.ts';
import { hashPassword, passwordProblem } from './oauth/passwords.ts';

/**
 * User accounts are managed from the server host (`boltz-server user …`) and at first start.
 * Every change that takes rights away — a new password, disabling, deleting, removing a
 * membership — ends the user's sign-ins at once: grants and refresh tokens are deleted and
 * access tokens issued before it are refused (packages/storage/src/queries/users.ts).
 */
export class UserAdministrationError extends ConfigError {}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function checkEmail(email: string): string {
  const trimmed = email.trim();
  if (!EMAIL.test(trimmed) || trimmed.length > 320) throw new UserAdministrationError(`"${email}" is not an email address`);
  return trimmed;
}

function checkPassword(password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw new UserAdministrationError(`The password ${problem}`);
  return password;
}

export function generatePassword(): string {
  return randomBase62(20);
}

async function organizationIdOrFirst(storage: Storage, organizationId: string | undefined): Promise<string> {
  const organization = organizationId ? await storage.organizations.findById(organizationId) : await storage.organizations.findFirst();
  if (!organization) throw new UserAdministrationError(organizationId ? `Organization ${organizationId} not found` : 'No organization exists yet: start the server once first');
  return organization.id;
}

export async function createUser(
  storage: Storage,
  options: { email: string; password: string; name?: string; organizationId?: string; role: ComputeRole },
): Promise<UserRow> {
  const email = checkEmail(options.email);
  checkPassword(options.password);
  if (await storage.users.findByEmail(email)) throw new UserAdministrationError(`A user with email ${email} already exists`);
  const organizationId = await organizationIdOrFirst(storage, options.organizationId);
  const now = new Date().toISOString();
  const user: UserRow = {
    id: newId(ID_PREFIXES.user),
    email,
    name: options.name ?? null,
    password_hash: await hashPassword(options.password),
    active_organization_id: organizationId,
    created_at: now,
    updated_at: now,
    disabled_at: null,
    tokens_revoked_at: null,
  };
  await storage.users.insert(user);
  await storage.users.putMembership(organizationId, user.id, options.role, now);
  return user;
}

async function existingUser(storage: Storage, email: string): Promise<UserRow> {
  const user = await storage.users.findByEmail(email);
  if (!user) throw new UserAdministrationError(`No user with email ${email}`);
  return user;
}

/** A new password; the user's sign-ins end. */
export async function resetPassword(storage: Storage, email: string, password: string): Promise<void> {
  const user = await existingUser(storage, email);
  await storage.users.setPasswordHash(user.id, await hashPassword(checkPassword(password)), new Date().toISOString());
}

export function listUsers(storage: Storage): Promise<UserWithMemberships[]> {
  return storage.users.list();
}

/** `disabled`: the user cannot sign in and their tokens stop working, until enabled again. */
export async function setUserDisabled(storage: Storage, email: string, disabled: boolean): Promise<UserRow> {
  const user = await existingUser(storage, email);
  await storage.users.setDisabled(user.id, disabled, new Date().toISOString());
  return user;
}

/** The account, its memberships and sign-ins; jobs and keys belong to workspaces and stay. */
export async function deleteUser(storage: Storage, email: string): Promise<UserRow> {
  const user = await existingUser(storage, email);
  await storage.users.delete(user.id);
  return user;
}

/** Removes the user from an organization; their sign-ins end (they sign in again for the others). */
export async function removeMembership(storage: Storage, email: string, organizationId: string | undefined): Promise<string> {
  const user = await existingUser(storage, email);
  const orgId = await organizationIdOrFirst(storage, organizationId);
  if (!(await storage.users.removeMembership(orgId, user.id, new Date().toISOString()))) {
    throw new UserAdministrationError(`${user.email} is not a member of ${orgId}`);
  }
  return orgId;
}

/** Adds the user to the organization, or changes their role there. */
export async function setMembership(storage: Storage, email: string, organizationId: string | undefined, role: ComputeRole): Promise<string> {
  const user = await existingUser(storage, email);
  const orgId = await organizationIdOrFirst(storage, organizationId);
  await storage.users.putMembership(orgId, user.id, role, new Date().toISOString());
  return orgId;
}

/**
 * First start: the first administrator account, from BOLTZ_BOOTSTRAP_ADMIN_EMAIL/PASSWORD or
 * generated (then printed once, like the keys).
 */
export async function bootstrapAdminUser(
  storage: Storage,
  options: { organizationId: string; email?: string; password?: string },
): Promise<{ email: string; password: string; generated: boolean } | undefined> {
  if ((await storage.users.count()) > 0) return undefined;
  const email = options.email ?? 'admin@localhost';
  const password = options.password ?? generatePassword();
  await createUser(storage, { email, password, name: 'Administrator', organizationId: options.organizationId, role: 'admin' });
  return { email, password, generated: options.password === undefined };
}
