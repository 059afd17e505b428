import type { Scenario } from '../scenario.ts';

/**
 * The cost of authentication (issues 2 and 11), measured against a bare Fastify 5 route in a
 * process of its own (scripts/bench/bare-fastify.mjs) in the same run: this server's route
 * without a credential, and two authenticated routes. Goal: authenticated throughput at least
 * half the bare Fastify route's, p99 under 10 ms at 50 connections on SQLite.
 */
const AUTHENTICATED_GOAL = { minRatioToBaseline: 0.5, maxP99Ms: 10 };

export const bareFastify: Scenario = {
  name: 'GET / (bare Fastify 5, own process)',
  prepare: async () => ({ target: 'bare-fastify', method: 'GET', path: '/' }),
};

export const bareRoute: Scenario = {
  name: 'GET /healthz (no credential)',
  baseline: bareFastify.name,
  prepare: async () => ({ method: 'GET', path: '/healthz' }),
};

export const authMe: Scenario = {
  name: 'GET /compute/v1/auth/me',
  baseline: bareFastify.name,
  goal: AUTHENTICATED_GOAL,
  prepare: async (context) => ({ method: 'GET', path: '/compute/v1/auth/me', headers: { 'x-api-key': context.liveAdminKey } }),
};

export const retrieveWorkspace: Scenario = {
  name: 'GET /compute/v1/admin/workspaces/{id}',
  baseline: bareFastify.name,
  goal: AUTHENTICATED_GOAL,
  async prepare(context) {
    const workspace = await context.client.admin.workspaces.create({ name: 'Benchmark workspace' });
    return { method: 'GET', path: `/compute/v1/admin/workspaces/${workspace.id}`, headers: { 'x-api-key': context.liveAdminKey } };
  },
};
