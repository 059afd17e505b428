import assert from 'node:assert/strict';
import { createAdminKey, createOrganization } from '../src/bootstrap.ts';
import { rawRequest, type TestServer } from './harness.ts';

/**
 * The credentials and targets of the authorization matrices (authorization-matrix.test.ts for the
 * admin endpoints, job-routes-authorization.test.ts for every job family): each endpoint is tried
 * with every kind of credential against a workspace of the caller's own organization, a sibling
 * workspace and a workspace of a second organization.
 */
export type Credential =
  | 'live admin'
  | 'test admin'
  | 'live workspace'
  | 'test workspace'
  | 'revoked'
  | 'expired'
  | 'archived workspace'
  | 'malformed'
  | 'missing'
  | 'disallowed IP';

/**
 * `own`: a workspace of the caller's organization (for workspace keys: the key's workspace);
 * `sibling`: another workspace of the same organization; `other`: a workspace of a second
 * organization, which must read as if it did not exist.
 */
export type Target = 'own' | 'sibling' | 'other';

/** `ok` = 200; anything else is the error `code` expected in the body. */
export type Outcome = 'ok' | 'unauthorized' | 'forbidden' | 'livemode_required' | 'not_found' | 'engine_unavailable';
export type Expectation = Outcome | Record<Target, Outcome>;

export const STATUS: Record<Outcome, number> = { ok: 200, unauthorized: 401, forbidden: 403, livemode_required: 403, not_found: 404, engine_unavailable: 501 };
export const ALL_TARGETS = ['own', 'sibling', 'other'] as const;
export const CREDENTIALS: readonly Credential[] = ['live admin', 'test admin', 'live workspace', 'test workspace', 'revoked', 'expired', 'archived workspace', 'malformed', 'missing', 'disallowed IP'];

export const by = (own: Outcome, sibling: Outcome, other: Outcome): Record<Target, Outcome> => ({ own, sibling, other });

/** Credentials that never get past authentication on an authenticated route (§2.1). */
export const REFUSED = {
  revoked: 'unauthorized',
  expired: 'unauthorized',
  'archived workspace': 'unauthorized',
  malformed: 'unauthorized',
  missing: 'unauthorized',
  'disallowed IP': 'forbidden',
} as const;

const V1 = '/compute/v1';

export interface CredentialFixtures {
  /** Credentials that no request can change (they never authenticate, or are the bootstrap keys). */
  fixedKeys: Record<Exclude<Credential, 'live workspace' | 'test workspace'>, string | undefined>;
  otherAdminKey: string;
  /** Every id of the second organization: none may appear in a successful answer to the first. */
  foreignIds: Set<string>;
  createWorkspace(adminKey: string): Promise<string>;
  createWorkspaceKey(adminKey: string, workspaceId: string, mode: 'live' | 'test'): Promise<{ key: string; id: string }>;
}

export async function setUpCredentials(server: TestServer): Promise<CredentialFixtures> {
  async function call(apiKey: string, method: string, path: string, body?: unknown) {
    const response = await rawRequest(server, method, path, {
      apiKey,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    assert.equal(response.status, 200, `fixture ${method} ${path}: ${response.text}`);
    return response.body;
  }
  const createWorkspace = async (adminKey: string): Promise<string> => (await call(adminKey, 'POST', `${V1}/admin/workspaces`, { name: 'Matrix fixture' })).id;
  const createWorkspaceKey = async (adminKey: string, workspaceId: string, mode: 'live' | 'test') => {
    const created = await call(adminKey, 'POST', `${V1}/admin/api-keys`, { name: 'Matrix fixture', workspace_id: workspaceId, mode });
    return { key: created.key as string, id: created.key_details.id as string };
  };
  /** A live admin key of the first organization whose row is then altered directly in the database. */
  async function alteredAdminKey(change: { expires_at?: string; allowed_ips?: string }): Promise<string> {
    const created = await createAdminKey(server.storage, { organizationId: server.organizationId, mode: 'live' });
    await server.storage.db.updateTable('api_keys').set(change).where('id', '=', created.id).execute();
    return created.key;
  }

  const live = server.liveAdminKey;
  const foreignIds = new Set<string>();
  const other = await createOrganization(server.storage, 'Second organization');
  const otherAdmin = await createAdminKey(server.storage, { organizationId: other.organizationId, mode: 'live' });
  for (const id of [other.organizationId, other.defaultWorkspaceId, otherAdmin.id]) foreignIds.add(id);

  const revoked = await createAdminKey(server.storage, { organizationId: server.organizationId, mode: 'live' });
  await call(live, 'POST', `${V1}/admin/api-keys/${revoked.id}/revoke`);
  const archivedWorkspaceId = await createWorkspace(live);
  const archivedWorkspaceKey = await createWorkspaceKey(live, archivedWorkspaceId, 'live');
  await call(live, 'POST', `${V1}/admin/workspaces/${archivedWorkspaceId}/archive`);

  return {
    // The defective credentials are live admin keys (except the archived workspace's), so that
    // every row in which they are refused would have succeeded with a sound key.
    fixedKeys: {
      'live admin': live,
      'test admin': server.testAdminKey,
      revoked: revoked.key,
      expired: await alteredAdminKey({ expires_at: new Date(Date.now() - 60_000).toISOString() }),
      'archived workspace': archivedWorkspaceKey.key,
      // Right prefix, secret too short: fails the format check before any lookup.
      malformed: 'sk_bc_admin_live_tooShort',
      missing: undefined,
      // The test client connects from 127.0.0.1.
      'disallowed IP': await alteredAdminKey({ allowed_ips: JSON.stringify(['203.0.113.7']) }),
    },
    otherAdminKey: otherAdmin.key,
    foreignIds,
    createWorkspace,
    createWorkspaceKey,
  };
}

/** The response checks every matrix row makes. */
export async function assertOutcome(
  response: Awaited<ReturnType<typeof rawRequest>>,
  outcome: Outcome,
  foreignIds: ReadonlySet<string>,
  snapshotBefore: string | undefined,
  snapshot: () => Promise<string>,
  what: string,
): Promise<void> {
  assert.equal(response.status, STATUS[outcome], `${what}: ${response.text.slice(0, 500)}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  if (outcome === 'ok') {
    for (const id of foreignIds) assert.ok(!response.text.includes(id), `answer leaks ${id} of another organization: ${response.text.slice(0, 500)}`);
    return;
  }
  assert.equal(typeof response.body?.message, 'string', response.text);
  assert.ok(response.body.message.length > 0);
  assert.equal(response.body.code, outcome, response.text);
  assert.deepEqual(
    Object.keys(response.body).filter((field) => !['code', 'message', 'details'].includes(field)),
    [],
    `error body has only code, message and details: ${response.text}`,
  );
  if (snapshotBefore !== undefined) assert.equal(await snapshot(), snapshotBefore, 'a refused request wrote to the database');
}
