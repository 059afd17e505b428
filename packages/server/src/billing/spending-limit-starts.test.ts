import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../test/harness.ts';

/** A live engine must exist at start-up; this one is never run (runners are off). */
const STAND_IN = fileURLToPath(new URL('../../test/fixtures/boltz-stand-in.mjs', import.meta.url));

/**
 * Decision (b) end to end: 100 concurrent live starts through the official SDK against a limit
 * that affords 10. Runners are off and the live engine is never executed, so every accepted job
 * keeps its reservation for the whole burst.
 */
describe('live starts against a spending limit', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ BOLTZ_ENGINE_EXECUTABLE: STAND_IN, BOLTZ_ENGINE_MSA_SERVER_URL: 'http://127.0.0.1:9', BOLTZ_RUNNERS: 'false' });
  });
  after(() => server.close());

  it('accepts exactly 10 of 100 concurrent starts and answers the rest 402 spending_limit_exceeded', async () => {
    const admin = server.client(server.liveAdminKey);
    const workspace = await admin.admin.workspaces.create({ name: 'capped' });
    const body = {
      model: 'boltz-2.1' as const,
      workspace_id: workspace.id,
      input: { entities: [{ type: 'protein' as const, chain_ids: ['A'], value: 'MKTAYIAKQR', msa: { type: 'empty' as const } }] },
    };
    const estimate = await admin.predictions.structureAndBinding.estimateCost(body);
    const jobCostMilliUsd = Math.round(Number(estimate.estimated_cost_usd) * 1000);
    assert.equal(jobCostMilliUsd, 20, 'one sample of a small system is one tier');
    await admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 10 * jobCostMilliUsd, currency: 'MILLI_USD' } });

    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, () => admin.predictions.structureAndBinding.start(body)));
    const accepted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    assert.equal(accepted.length, 10);
    assert.equal(refused.length, 90);
    for (const error of refused) {
      assert.ok(error instanceof APIError, String(error));
      assert.equal(error.status, 402);
      assert.equal((error.error as { code: string }).code, 'spending_limit_exceeded');
      assert.equal(error.headers.get('x-should-retry'), 'false');
    }
    for (const outcome of accepted) {
      if (outcome.status === 'fulfilled') assert.equal(outcome.value.livemode, true);
    }
    const jobs = await server.storage.db.selectFrom('jobs').select('id').where('workspace_id', '=', workspace.id).execute();
    assert.equal(jobs.length, 10, 'refused starts create nothing');
    const reservations = await server.storage.db.selectFrom('spending_reservations').select('job_id').where('workspace_id', '=', workspace.id).execute();
    assert.deepEqual(reservations.map((r) => r.job_id).sort(), jobs.map((j) => j.id).sort());

    // The limit can no longer go below what the accepted jobs hold.
    const lowered = await admin.admin.workspaces
      .setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 10 * jobCostMilliUsd - 1, currency: 'MILLI_USD' } })
      .catch((e) => e);
    assert.equal(lowered.status, 422);
  });
});
