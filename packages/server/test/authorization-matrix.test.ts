import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ALL_TARGETS,
  CREDENTIALS,
  type CredentialFixtures,
  type Credential,
  type Expectation,
  REFUSED,
  STATUS,
  type Target,
  assertOutcome,
  by,
  setUpCredentials,
} from './credential-fixtures.ts';
import { rawRequest, snapshotDatabase, startTestServer, type TestServer } from './harness.ts';

/**
 * Every endpoint × every kind of credential × the workspace it targets, against the status
 * and error code that spec/API.md §2.3, §3 and decision (d) prescribe. The whole contract is
 * the MATRIX table below; the test cases are generated from it. The job families' routes have a
 * matrix of their own, generated from the family registry (job-routes-authorization.test.ts).
 */

/** What the request is aimed at: a workspace, and for revocations a key inside it. */
interface Aim {
  workspaceId: string;
  apiKeyId: string;
}

interface Endpoint {
  name: string;
  /** Which workspace targets the endpoint takes; none for organization-wide endpoints. */
  targets: readonly Target[];
  /** Revocation rows need a victim key of this mode in the target workspace. */
  victimKeyMode?: 'live' | 'test';
  request(aim: Aim | undefined): { method: string; path: string; body?: unknown };
  expect: Record<Credential, Expectation>;
}

const V1 = '/compute/v1';
const LIMIT = { type: 'lifetime', limit: { amount: 5000, currency: 'MILLI_USD' } };

const ADMIN_OF_ORGANIZATION = by('ok', 'ok', 'not_found');

/** Workspace keys have no access to /admin/* (§2.3). */
const NO_WORKSPACE_KEYS = { 'live workspace': 'forbidden', 'test workspace': 'forbidden' } as const;

const MATRIX: Endpoint[] = [
  {
    name: 'POST /admin/workspaces',
    targets: [],
    request: () => ({ method: 'POST', path: `${V1}/admin/workspaces`, body: { name: 'Matrix' } }),
    expect: { 'live admin': 'ok', 'test admin': 'ok', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'POST /admin/workspaces with a spending_limit',
    targets: [],
    request: () => ({ method: 'POST', path: `${V1}/admin/workspaces`, body: { name: 'Matrix', spending_limit: LIMIT } }),
    expect: { 'live admin': 'ok', 'test admin': 'livemode_required', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'GET /admin/workspaces',
    targets: [],
    request: () => ({ method: 'GET', path: `${V1}/admin/workspaces` }),
    expect: { 'live admin': 'ok', 'test admin': 'ok', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'GET /admin/workspaces/{id}',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'GET', path: `${V1}/admin/workspaces/${aim!.workspaceId}` }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': ADMIN_OF_ORGANIZATION, ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'POST /admin/workspaces/{id}',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/workspaces/${aim!.workspaceId}`, body: { name: 'Renamed' } }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': ADMIN_OF_ORGANIZATION, ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    // Permission (403) is checked before existence (404), §2.3 "Order of checks".
    name: 'POST /admin/workspaces/{id}/archive',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/workspaces/${aim!.workspaceId}/archive` }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': 'livemode_required', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    // The one admin route open to workspace keys, for their own workspace only (§2.3).
    name: 'GET /admin/workspaces/{id}/spending-limit',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'GET', path: `${V1}/admin/workspaces/${aim!.workspaceId}/spending-limit` }),
    expect: {
      'live admin': ADMIN_OF_ORGANIZATION,
      'test admin': ADMIN_OF_ORGANIZATION,
      'live workspace': by('ok', 'forbidden', 'forbidden'),
      'test workspace': by('ok', 'forbidden', 'forbidden'),
      ...REFUSED,
    },
  },
  {
    name: 'PUT /admin/workspaces/{id}/spending-limit',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'PUT', path: `${V1}/admin/workspaces/${aim!.workspaceId}/spending-limit`, body: LIMIT }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': 'livemode_required', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    // Without `mode` the new key takes the caller's mode (decision d), so a test admin may.
    name: 'POST /admin/api-keys',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/api-keys`, body: { name: 'Matrix key', workspace_id: aim!.workspaceId } }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': ADMIN_OF_ORGANIZATION, ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'POST /admin/api-keys with mode live',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/api-keys`, body: { name: 'Matrix key', workspace_id: aim!.workspaceId, mode: 'live' } }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': 'livemode_required', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'POST /admin/api-keys with mode test',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/api-keys`, body: { name: 'Matrix key', workspace_id: aim!.workspaceId, mode: 'test' } }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': ADMIN_OF_ORGANIZATION, ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'GET /admin/api-keys',
    targets: [],
    request: () => ({ method: 'GET', path: `${V1}/admin/api-keys` }),
    expect: { 'live admin': 'ok', 'test admin': 'ok', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    // A filter, not a lookup: another organization's workspace id yields an empty page (the
    // leak check below proves that none of its keys is listed).
    name: 'GET /admin/api-keys?workspace_id={id}',
    targets: ALL_TARGETS,
    request: (aim) => ({ method: 'GET', path: `${V1}/admin/api-keys?workspace_id=${aim!.workspaceId}` }),
    expect: { 'live admin': 'ok', 'test admin': 'ok', ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    // The key must be found before its mode is known: foreign keys are 404 for everyone.
    name: 'POST /admin/api-keys/{id}/revoke on a live key',
    targets: ALL_TARGETS,
    victimKeyMode: 'live',
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/api-keys/${aim!.apiKeyId}/revoke` }),
    expect: {
      'live admin': ADMIN_OF_ORGANIZATION,
      'test admin': by('livemode_required', 'livemode_required', 'not_found'),
      ...NO_WORKSPACE_KEYS,
      ...REFUSED,
    },
  },
  {
    name: 'POST /admin/api-keys/{id}/revoke on a test key',
    targets: ALL_TARGETS,
    victimKeyMode: 'test',
    request: (aim) => ({ method: 'POST', path: `${V1}/admin/api-keys/${aim!.apiKeyId}/revoke` }),
    expect: { 'live admin': ADMIN_OF_ORGANIZATION, 'test admin': ADMIN_OF_ORGANIZATION, ...NO_WORKSPACE_KEYS, ...REFUSED },
  },
  {
    name: 'GET /auth/me',
    targets: [],
    request: () => ({ method: 'GET', path: `${V1}/auth/me` }),
    expect: { 'live admin': 'ok', 'test admin': 'ok', 'live workspace': 'ok', 'test workspace': 'ok', ...REFUSED },
  },
  {
    // Public: whatever credential the CLI happens to send is ignored (§6.2).
    name: 'GET /cli/version',
    targets: [],
    request: () => ({ method: 'GET', path: `${V1}/cli/version?current=0.1.0` }),
    expect: {
      'live admin': 'ok',
      'test admin': 'ok',
      'live workspace': 'ok',
      'test workspace': 'ok',
      revoked: 'ok',
      expired: 'ok',
      'archived workspace': 'ok',
      malformed: 'ok',
      missing: 'ok',
      'disallowed IP': 'ok',
    },
  },
];

describe('authorization matrix', () => {
  let server: TestServer;
  let fixtures: CredentialFixtures;

  before(async () => {
    // No key cache: an expiry written behind the server's back must apply at once. The matrix
    // sends a few thousand requests with the bootstrap keys, far over the default rate limit.
    server = await startTestServer({ KEY_CACHE_TTL_MS: '0', RATE_LIMIT_MAX: '1000000' });
    fixtures = await setUpCredentials(server);
  });
  after(() => server.close());

  it('covers every credential for every endpoint', () => {
    for (const endpoint of MATRIX) assert.deepEqual(Object.keys(endpoint.expect).sort(), [...CREDENTIALS].sort(), endpoint.name);
  });

  for (const endpoint of MATRIX) {
    for (const credential of CREDENTIALS) {
      for (const target of endpoint.targets.length ? endpoint.targets : [undefined]) {
        const expectation = endpoint.expect[credential];
        const outcome = typeof expectation === 'string' ? expectation : expectation[target!];
        const title = `${endpoint.name} · ${credential}${target ? ` · ${target} workspace` : ''} → ${STATUS[outcome]} ${outcome}`;

        it(title, async () => {
          // Fresh workspaces (and workspace keys inside them) for every row, so that archiving,
          // renaming, limits and revocations cannot change what a later row sees.
          const { createWorkspace, createWorkspaceKey, fixedKeys, otherAdminKey, foreignIds } = fixtures;
          const ownWorkspaceId = await createWorkspace(server.liveAdminKey);
          let apiKey: string | undefined;
          if (credential === 'live workspace' || credential === 'test workspace') {
            apiKey = (await createWorkspaceKey(server.liveAdminKey, ownWorkspaceId, credential === 'live workspace' ? 'live' : 'test')).key;
          } else {
            apiKey = fixedKeys[credential];
          }

          let aim: Aim | undefined;
          if (target) {
            const adminKey = target === 'other' ? otherAdminKey : server.liveAdminKey;
            const workspaceId = target === 'own' ? ownWorkspaceId : await createWorkspace(adminKey);
            const apiKeyId = endpoint.victimKeyMode ? (await createWorkspaceKey(adminKey, workspaceId, endpoint.victimKeyMode)).id : '';
            if (target === 'other') for (const id of [workspaceId, apiKeyId]) if (id) foreignIds.add(id);
            aim = { workspaceId, apiKeyId };
          }

          const { method, path, body } = endpoint.request(aim);
          const before = await snapshotDatabase(server.storage);
          const response = await rawRequest(server, method, path, {
            apiKey,
            ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
          });
          await assertOutcome(response, outcome, foreignIds, before, () => snapshotDatabase(server.storage), `${method} ${path}`);
        });
      }
    }
  }
});
