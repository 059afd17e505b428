import type { Scenario } from '../scenario.ts';

/**
 * The cost of authentication (issue 2): the same server answering a route with no credential
 * and two authenticated routes. Goal: authenticated throughput at least half the bare route's,
 * p99 under 10 ms at 50 connections on SQLite.
 */
const AUTHENTICATED_GOAL = { minRatioToBaseline: 0.5, maxP99Ms: 10 };

export const bareRoute: Scenario = {
  name: 'GET /healthz (bare)',
  prepare: async () => ({ method: 'GET', path: '/healthz' }),
};

export const authMe: Scenario = {
  name: 'GET /compute/v1/auth/me',
  baseline: bareRoute.name,
  goal: AUTHENTICATED_GOAL,
  prepare: async (context) => ({ method: 'GET', path: '/compute/v1/auth/me', headers: { 'x-api-key': context.liveAdminKey } }),
};

export const retrieveWorkspace: Scenario = {
  name: 'GET /compute/v1/admin/workspaces/{id}',
  baseline: bareRoute.name,
  goal: AUTHENTICATED_GOAL,
  async prepare(context) {
    const workspace = await context.client.admin.workspaces.create({ name: 'Benchmark workspace' });
    return { method: 'GET', path: `/compute/v1/admin/workspaces/${workspace.id}`, headers: { 'x-api-key': context.liveAdminKey } };
  },
};
