import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { newId } from '@boltz/shared';
import type { NewJobRow } from '@boltz/storage';
import type { Family, PipelineOperation } from '../src/families/family.ts';
import { FAMILIES } from '../src/families/registry.ts';
import { ROUTES } from '../src/routes/index.ts';
import {
  ALL_TARGETS,
  CREDENTIALS,
  type Credential,
  type CredentialFixtures,
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
 * The authorization matrix of every job family's routes (spec/API.md §2.3, §7.1, decisions d–f),
 * generated from the family registry: each operation a family declares gets a row, tried with
 * every credential against a job or workspace of the caller's own workspace, a sibling
 * workspace and another organization. A route of the route table that neither this matrix nor the
 * admin matrix (authorization-matrix.test.ts) covers fails the coverage test.
 */
const V1 = '/compute/v1';

/** The admin and identity endpoints, whose rows live in authorization-matrix.test.ts. */
const ADMIN_MATRIX_ROUTES = [
  'POST /compute/v1/admin/workspaces',
  'GET /compute/v1/admin/workspaces',
  'GET /compute/v1/admin/workspaces/:workspace_id',
  'POST /compute/v1/admin/workspaces/:workspace_id',
  'POST /compute/v1/admin/workspaces/:workspace_id/archive',
  'GET /compute/v1/admin/workspaces/:workspace_id/spending-limit',
  'PUT /compute/v1/admin/workspaces/:workspace_id/spending-limit',
  'POST /compute/v1/admin/api-keys',
  'GET /compute/v1/admin/api-keys',
  'POST /compute/v1/admin/api-keys/:api_key_id/revoke',
  'GET /compute/v1/auth/me',
  'GET /compute/v1/cli/version',
];
/** Public by design: the signature of a presigned URL is its credential (decision h; files.test.ts). */
const SIGNED_ROUTES = ['GET /compute/v1/files/:file_id/:filename'];
/** Counted separately: the admin usage endpoint has its own suite (usage.test.ts). */
const USAGE_ROUTES = ['GET /compute/v1/admin/usage'];

type Fixture = 'none' | 'pending job' | 'finished job';

interface Row {
  name: string;
  route: string;
  targets: readonly Target[];
  fixture: Fixture;
  request(aim: { workspaceId: string; jobId: string }): { method: string; path: string; body?: unknown };
  expect: Record<Credential, Expectation>;
}

const NOT_THEIRS = by('not_found', 'not_found', 'not_found');
/** Job reads and writes by id: test-mode jobs are invisible to live keys (decision e). */
const BY_ID: Omit<Row['expect'], keyof typeof REFUSED> = {
  'live admin': NOT_THEIRS,
  'test admin': by('ok', 'ok', 'not_found'),
  'live workspace': NOT_THEIRS,
  'test workspace': by('ok', 'not_found', 'not_found'),
};

function rows(family: Family): Row[] {
  const base = `${V1}/${family.path}`;
  const operations: readonly PipelineOperation[] = family.type === 'prediction' ? ['start', 'estimate-cost', 'list', 'retrieve', 'delete-data'] : family.operations;
  const row = (operation: PipelineOperation, partial: Omit<Row, 'name' | 'expect' | 'route'> & { expect: Omit<Row['expect'], keyof typeof REFUSED>; route: string }): Row => ({
    ...partial,
    name: `${family.sdkResource}.${operation}`,
    expect: { ...partial.expect, ...REFUSED },
  });
  const byId = (operation: PipelineOperation, method: string, suffix: string, fixture: Fixture): Row =>
    row(operation, { route: `${method} ${base}/:id${suffix}`, targets: ALL_TARGETS, fixture, request: ({ jobId }) => ({ method, path: `${base}/${jobId}${suffix}` }), expect: BY_ID });
  const startBody = (workspaceId: string) => ({ ...family.example, workspace_id: workspaceId });
  const live = 'engine_unavailable';
  const all: Record<PipelineOperation, () => Row> = {
    start: () =>
      row('start', {
        route: `POST ${base}`,
        targets: ALL_TARGETS,
        fixture: 'none',
        request: ({ workspaceId }) => ({ method: 'POST', path: base, body: startBody(workspaceId) }),
        // The test server has no live engine: live starts answer 501 once the workspace is allowed.
        expect: { 'live admin': by(live, live, 'not_found'), 'test admin': by('ok', 'ok', 'not_found'), 'live workspace': by(live, 'forbidden', 'forbidden'), 'test workspace': by('ok', 'forbidden', 'forbidden') },
      }),
    'estimate-cost': () =>
      row('estimate-cost', {
        route: `POST ${base}/estimate-cost`,
        targets: ALL_TARGETS,
        fixture: 'none',
        request: ({ workspaceId }) => ({ method: 'POST', path: `${base}/estimate-cost`, body: startBody(workspaceId) }),
        expect: { 'live admin': by('ok', 'ok', 'not_found'), 'test admin': by('ok', 'ok', 'not_found'), 'live workspace': by('ok', 'forbidden', 'forbidden'), 'test workspace': by('ok', 'forbidden', 'forbidden') },
      }),
    list: () =>
      row('list', {
        route: `GET ${base}`,
        targets: ALL_TARGETS,
        fixture: 'pending job',
        // A filter, not a lookup: another organization's workspace lists nothing (and leaks nothing).
        request: ({ workspaceId }) => ({ method: 'GET', path: `${base}?workspace_id=${workspaceId}` }),
        expect: { 'live admin': 'ok', 'test admin': 'ok', 'live workspace': by('ok', 'forbidden', 'forbidden'), 'test workspace': by('ok', 'forbidden', 'forbidden') },
      }),
    retrieve: () => byId('retrieve', 'GET', '', 'pending job'),
    'list-results': () => byId('list-results', 'GET', '/results', 'pending job'),
    stop: () => byId('stop', 'POST', '/stop', 'pending job'),
    resume: () => byId('resume', 'POST', '/resume', 'pending job'),
    'delete-data': () => byId('delete-data', 'POST', '/delete-data', 'finished job'),
  };
  return operations.map((operation) => all[operation]());
}

/** Routes a family adds besides its operations: readable with any valid credential. */
const EXTRA_ROWS: Row[] = [
  {
    name: 'protein.design.listCuratedSpecifications',
    route: `GET ${V1}/protein/design/curated-specifications`,
    targets: [],
    fixture: 'none',
    request: () => ({ method: 'GET', path: `${V1}/protein/design/curated-specifications?type=nanobody` }),
    expect: { 'live admin': 'ok', 'test admin': 'ok', 'live workspace': 'ok', 'test workspace': 'ok', ...REFUSED },
  },
];

const FAMILY_OF_ROW = new Map<Row, Family>();
const MATRIX: Row[] = [
  ...FAMILIES.flatMap((family) =>
    rows(family).map((row) => {
      FAMILY_OF_ROW.set(row, family);
      return row;
    }),
  ),
  ...EXTRA_ROWS,
];

/** A job written straight into the table, never run (this server has no runners): a fixture, not a request under test. */
function fixtureJob(family: Family, organizationId: string, workspaceId: string, status: 'pending' | 'failed'): NewJobRow {
  const now = new Date().toISOString();
  const input = family.inputOf(family.example);
  return {
    id: newId(family.idPrefix),
    kind: family.kind,
    organization_id: organizationId,
    workspace_id: workspaceId,
    mode: 'test',
    status,
    model: family.type === 'prediction' ? family.model : family.pipeline,
    version: 'synthetic-1',
    input: JSON.stringify(input),
    input_files: '{}',
    output: null,
    error: status === 'failed' ? JSON.stringify({ code: 'engine_failed', message: 'Fixture.' }) : null,
    progress: family.type === 'pipeline' ? JSON.stringify(family.initialProgress(input as never)) : null,
    checkpoint: null,
    idempotency_key: null,
    request_fingerprint: 'fixture',
    billed_units: 1,
    cost_milli_usd: 0,
    created_at: now,
    started_at: null,
    completed_at: status === 'failed' ? now : null,
    stopped_at: null,
    expires_at: null,
    data_deleted_at: null,
    run_after: '2099-01-01T00:00:00.000Z',
    lease_owner: null,
    lease_expires_at: null,
  };
}

function routeKeys(): Array<{ key: string; access: string }> {
  const recorder = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  const routes: RouteOptions[] = [];
  recorder.addHook('onRoute', (route) => void routes.push(route));
  for (const route of ROUTES) route(recorder);
  return routes
    .filter((route) => route.url.startsWith(`${V1}/`) && route.method !== 'HEAD')
    .flatMap((route) => [route.method].flat().map((method) => ({ key: `${method} ${route.url}`, access: String(route.config?.access ?? 'any') })));
}

describe('authorization matrix of the job routes', () => {
  let server: TestServer;
  let fixtures: CredentialFixtures;
  let otherOrganizationId: string;

  before(async () => {
    // No runners: started jobs stay pending, and fixtures never run.
    server = await startTestServer({ KEY_CACHE_TTL_MS: '0', RATE_LIMIT_MAX: '1000000', BOLTZ_RUNNERS: 'false', BOLTZ_ALLOW_PRIVATE_URLS: 'true' });
    fixtures = await setUpCredentials(server);
    const otherWorkspace = await fixtures.createWorkspace(fixtures.otherAdminKey);
    otherOrganizationId = (await server.storage.db.selectFrom('workspaces').select('organization_id').where('id', '=', otherWorkspace).executeTakeFirstOrThrow()).organization_id;
  });
  after(() => server.close());

  it('has a row for every route of the route table', () => {
    const covered = new Set([...ADMIN_MATRIX_ROUTES, ...SIGNED_ROUTES, ...USAGE_ROUTES, ...MATRIX.map((row) => row.route)]);
    const missing = routeKeys().filter(({ key }) => !covered.has(key));
    assert.deepEqual(missing, [], 'routes without an authorization row');
    assert.deepEqual(Object.keys(MATRIX[0].expect).sort(), [...CREDENTIALS].sort());
  });

  for (const row of MATRIX) {
    for (const credential of CREDENTIALS) {
      for (const target of row.targets.length ? row.targets : [undefined]) {
        const expectation = row.expect[credential];
        const outcome = typeof expectation === 'string' ? expectation : expectation[target!];
        it(`${row.name} · ${credential}${target ? ` · ${target}` : ''} → ${STATUS[outcome]} ${outcome}`, async () => {
          const { createWorkspace, createWorkspaceKey, fixedKeys, otherAdminKey, foreignIds } = fixtures;
          const ownWorkspaceId = await createWorkspace(server.liveAdminKey);
          const apiKey =
            credential === 'live workspace' || credential === 'test workspace'
              ? (await createWorkspaceKey(server.liveAdminKey, ownWorkspaceId, credential === 'live workspace' ? 'live' : 'test')).key
              : fixedKeys[credential];
          let aim = { workspaceId: ownWorkspaceId, jobId: '' };
          if (target) {
            const workspaceId = target === 'own' ? ownWorkspaceId : await createWorkspace(target === 'other' ? otherAdminKey : server.liveAdminKey);
            aim = { workspaceId, jobId: '' };
            const family = FAMILY_OF_ROW.get(row);
            if (family && row.fixture !== 'none') {
              const job = fixtureJob(family, target === 'other' ? otherOrganizationId : server.organizationId, workspaceId, row.fixture === 'pending job' ? 'pending' : 'failed');
              await server.storage.jobs.insert(job);
              aim.jobId = job.id;
            }
            if (target === 'other') for (const id of [workspaceId, aim.jobId]) if (id) foreignIds.add(id);
          }
          const { method, path, body } = row.request(aim);
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
