import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { newWorkspace, waitUntilDone, workspaceKey } from '../../../../test/predictions.ts';

/**
 * Usage buckets add up to the jobs actually run (issue 3): test-mode predictions started and
 * completed through the official SDK appear in the test-mode usage, billed in the units of
 * estimate-cost (molecules for ADME, samples for structure-and-binding), and nowhere in live.
 */
describe('admin.usage.list over jobs run through the SDK', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'instant' });
  });
  after(() => server.close());

  it('counts each succeeded job\'s billed units once, in the caller\'s mode', async () => {
    const workspaceId = await newWorkspace(server, 'metered');
    const client = server.client(await workspaceKey(server, workspaceId, 'test'));
    const adme = (n: number) => ({ model: 'adme-v1' as const, input: { molecules: Array.from({ length: n }, () => ({ smiles: 'CCO' })) } });
    const structure = {
      model: 'boltz-2.1' as const,
      input: { entities: [{ type: 'protein' as const, chain_ids: ['A'], value: 'MKTAYIAKQR', msa: { type: 'empty' as const } }], num_samples: 3 },
    };
    const expectedUnits = {
      adme: (await client.predictions.adme.estimateCost(adme(2))).breakdown.num_units + (await client.predictions.adme.estimateCost(adme(5))).breakdown.num_units,
      structure_and_binding: (await client.predictions.structureAndBinding.estimateCost(structure)).breakdown.num_units,
    };
    assert.deepEqual(expectedUnits, { adme: 7, structure_and_binding: 3 });

    const started = [
      ['adme', (await client.predictions.adme.start(adme(2))).id],
      ['adme', (await client.predictions.adme.start(adme(5))).id],
      ['structureAndBinding', (await client.predictions.structureAndBinding.start(structure)).id],
    ] as const;
    for (const [family, id] of started) assert.equal((await waitUntilDone(client, family, id)).status, 'succeeded');

    const now = Date.now();
    const range = { starting_at: new Date(now - 86_400_000).toISOString(), ending_at: new Date(now + 86_400_000).toISOString() };
    const byApplication = async (apiKey: string) => {
      const totals: Record<string, number> = {};
      for await (const bucket of server.client(apiKey).admin.usage.list({ ...range, window_size: 'HOUR', 'group_by[]': ['application'], 'workspace_ids[]': workspaceId })) {
        totals[bucket.application!] = (totals[bucket.application!] ?? 0) + bucket.quantity;
      }
      return totals;
    };
    assert.deepEqual(await byApplication(server.testAdminKey), expectedUnits);
    assert.deepEqual(await byApplication(server.liveAdminKey), {});
  });
});
