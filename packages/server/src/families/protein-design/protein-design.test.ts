import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { download, newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { RUN_FIELDS, RUN_LIST_ITEM_FIELDS, allResults, ledgerUnits, legacyDesignBody, terminal, waitForRun, usageToday, assertInvisibleElsewhere, assertRefusedAt } from '../../../test/pipelines.ts';
import { apiError, assertFields } from '../../../test/sdk-assertions.ts';
import { readTarGz } from '../../../../engines/test/helpers.ts';


/** Protein design through the official SDK (spec/API.md §10), test mode. */
describe('protein design', () => {
  let server: TestServer;
  let key: string;

  before(async () => {
    server = await startTestServer();
    key = await workspaceKey(server, await newWorkspace(server, 'Designers'), 'test');
  });
  after(() => server.close());

  it('runs the official skill payload to exactly num_proteins designs that honour the DSL and the rules', async () => {
    const client = server.client(key);
    const started = await client.protein.design.start({ ...legacyDesignBody(30), idempotency_key: 'design-1' });
    assertFields(started, [...RUN_FIELDS, 'idempotency_key']);
    assert.match(started.id, /^prot_des_/);
    assert.equal(started.status, 'pending');
    assert.deepEqual(started.progress, { num_proteins_generated: 0, total_proteins_to_generate: 30 });
    assert.equal(started.pipeline, 'boltzprot');
    assert.equal(started.livemode, false);
    assert.ok((started.input as any).target.structure.url, 'the uploaded template is echoed as a file URL');

    const done = await waitForRun(client, 'design', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.progress.num_proteins_generated, 30);
    const results = await allResults(client, 'design', started.id, { limit: 7 });
    assert.equal(results.length, 30);
    assert.equal(new Set(results.map((r) => r.id)).size, 30);
    assert.deepEqual(results.map((r) => r.id), [...results.map((r) => r.id)].sort(), 'oldest first');
    assert.equal(done.progress.latest_result_id, results[29].id);
    for (const result of results) {
      assert.equal(result.type, undefined, 'legacy rows carry no type');
      const binder = result.entities.find((entity: any) => entity.chain_ids[0] === 'P');
      assert.equal(binder.type, 'protein');
      assert.match(binder.value, /^GS[A-Z]{8,12}G$/);
      const designed = binder.value.slice(2, -1);
      assert.doesNotMatch(designed, /[CM]/);
      assert.ok([...designed].filter((letter: string) => 'ILVMFWY'.includes(letter)).length <= 0.3 * designed.length);
      for (const metric of ['binding_confidence', 'iptm', 'min_interaction_pae', 'structure_confidence', 'helix_fraction', 'sheet_fraction', 'loop_fraction']) {
        assert.equal(typeof result.metrics[metric], 'number', metric);
      }
      assert.ok(Math.abs(result.metrics.helix_fraction + result.metrics.sheet_fraction + result.metrics.loop_fraction - 1) < 1e-9);
      assert.ok(result.artifacts.archive.url.includes('/archive.tar.gz?'));
    }
    // Test mode bills nothing but records usage per batch.
    const ledger = await ledgerUnits(server, started.id);
    assert.equal(ledger.units, 30);
    assert.ok(ledger.rows > 1, 'one ledger row per settled batch');
    assert.ok((await usageToday(server, 'protein_design')) >= 30, 'the usage endpoint shows the run');
  });

  it('serves each result archive and structure, the same bytes every time', async () => {
    const client = server.client(key);
    const run = await client.protein.design.start(legacyDesignBody(10));
    await waitForRun(client, 'design', run.id);
    const [first] = await allResults(client, 'design', run.id);
    const archive = await download(first.artifacts.archive.url);
    assert.equal(archive.status, 200);
    const entries = readTarGz(archive.bytes);
    assert.deepEqual([...entries.keys()].sort(), ['result/metrics.json', 'result/pae.npz', 'result/predicted_structure.cif']);
    assert.deepEqual(JSON.parse(entries.get('result/metrics.json')!.toString()), first.metrics);
    const structure = await download(first.artifacts.structure.url);
    assert.equal(structure.bytes.toString(), entries.get('result/predicted_structure.cif')!.toString());
    const again = await download((await allResults(client, 'design', run.id))[0].artifacts.archive.url);
    assert.ok(again.bytes.equals(archive.bytes));
    const part = await download(first.artifacts.archive.url, { range: 'bytes=10-19' });
    assert.equal(part.status, 206);
    assert.ok(part.bytes.equals(archive.bytes.subarray(10, 20)));
  });

  it('stops with results kept, resumes from its checkpoint, and ends with exactly num_proteins distinct results', async () => {
    const client = server.client(key);
    const run = await client.protein.design.start(legacyDesignBody(200));
    const partway = await waitForRun(client, 'design', run.id, (r) => r.progress.num_proteins_generated >= 20);
    assert.equal(partway.status, 'running');
    const whileRunning = await allResults(client, 'design', run.id);
    assert.ok(whileRunning.length >= 20, 'results are readable while the run is running');

    const stopped = await client.protein.design.stop(run.id);
    assert.equal(stopped.status, 'stopped');
    assert.ok(stopped.stopped_at);
    assert.equal((await client.protein.design.stop(run.id)).stopped_at, stopped.stopped_at, 'stop is idempotent');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const kept = await allResults(client, 'design', run.id);
    assert.equal((await client.protein.design.retrieve(run.id)).progress?.num_proteins_generated, kept.length, 'nothing lands after the stop');
    assert.ok(kept.length < 200);

    const resumed = await client.protein.design.resume(run.id);
    assert.ok(resumed.status === 'pending' || resumed.status === 'running');
    assert.equal(resumed.stopped_at, null);
    assert.equal((await client.protein.design.resume(run.id)).id, run.id, 'resume of an active run is a no-op');
    const done = await waitForRun(client, 'design', run.id);
    assert.equal(done.status, 'succeeded');
    const results = await allResults(client, 'design', run.id);
    assert.equal(results.length, 200);
    assert.equal(new Set(results.map((r) => r.id)).size, 200);
    assert.deepEqual(results.slice(0, kept.length).map((r) => r.id), kept.map((r) => r.id), 'the first results are the ones kept at the stop');
    assert.equal((await ledgerUnits(server, run.id)).units, 200, 'no result billed twice');

    await assert.rejects(client.protein.design.resume(run.id), apiError(409, 'conflict'));
    await assert.rejects(client.protein.design.stop(run.id), (error) => apiError(409, 'conflict')(error) && (error as APIError).headers?.get('x-should-retry') === 'false');
  });

  it('filters results by ids before paging, skipping unknown ids', async () => {
    const client = server.client(key);
    const run = await client.protein.design.start(legacyDesignBody(12));
    await waitForRun(client, 'design', run.id);
    const results = await allResults(client, 'design', run.id);
    const picked = await allResults(client, 'design', run.id, { ids: [results[9].id, 'pres_unknown', results[2].id].join(','), limit: 1 });
    assert.deepEqual(picked.map((r) => r.id), [results[2].id, results[9].id]);
    await assert.rejects(client.protein.design.listResults(run.id, { ids: Array.from({ length: 201 }, (_, i) => `pres_${i}`).join(',') }), apiError(400));
  });

  it('lists runs with progress and without input; deletes a finished run’s data', async () => {
    const client = server.client(key);
    const run = await client.protein.design.start(legacyDesignBody(10));
    await assert.rejects(client.protein.design.deleteData(run.id), apiError(409, 'conflict'));
    await waitForRun(client, 'design', run.id);
    const listed = (await client.protein.design.list()).data.find((item) => item.id === run.id)!;
    assertFields(listed, RUN_LIST_ITEM_FIELDS);
    const [result] = await allResults(client, 'design', run.id);

    const deleted = await client.protein.design.deleteData(run.id);
    assert.equal(deleted.data_deleted, true);
    assert.equal((await client.protein.design.deleteData(run.id)).data_deleted_at, deleted.data_deleted_at);
    const after = await client.protein.design.retrieve(run.id);
    assert.equal(after.input, null);
    assert.equal((await allResults(client, 'design', run.id)).length, 0);
    assert.equal((await download(result.artifacts.archive.url)).status, 404);
    const remaining = await server.storage.db.selectFrom('job_results').select('id').where('job_id', '=', run.id).execute();
    assert.equal(remaining.length, 0);
  });

  it('quotes live prices per protein and size tier, and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const estimate = await client.protein.design.estimateCost(legacyDesignBody(100));
    assert.equal(estimate.breakdown.application, 'protein_design');
    assert.equal(estimate.breakdown.num_units, 100);
    assert.equal(estimate.breakdown.cost_per_unit_usd, '0.0250');
    assert.equal(estimate.estimated_cost_usd, '2.5000');
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('lists curated nanobody and antibody specifications usable as binder specifications', async () => {
    const client = server.client(key);
    const nanobodies = await client.protein.design.listCuratedSpecifications({ type: 'nanobody' });
    assert.ok(nanobodies.data.length >= 1);
    const spec = nanobodies.data[0].binder_specification as any;
    assert.equal(spec.type, 'no_template');
    const run = await client.protein.design.start({ ...legacyDesignBody(10), binder_specification: spec });
    const done = await waitForRun(client, 'design', run.id, terminal);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const antibodies = await client.protein.design.listCuratedSpecifications({ type: 'antibody' });
    assert.equal((antibodies.data[0].binder_specification as any).entities.length, 2);
  });

  it('names the offending path of invalid requests and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const body = legacyDesignBody();
    const cases: Array<[unknown, number, string]> = [
      [{ ...body, num_proteins: 9 }, 400, 'num_proteins'],
      [{ ...body, num_proteins: 1_000_001 }, 400, 'num_proteins'],
      [{ ...body, target: { ...body.target, chain_selection: { Z: { chain_type: 'polymer', crop_residues: 'all' } } } }, 422, 'target.chain_selection.Z'],
      [{ ...body, target: { ...body.target, chain_selection: { A: { chain_type: 'polymer', crop_residues: [0, 1, 99] } } } }, 422, 'target.chain_selection.A.crop_residues[2]'],
      [{ ...body, binder_specification: { ...body.binder_specification, entities: [{ type: 'designed_protein', chain_ids: ['P'], value: 'GS8..x' }] } }, 422, 'binder_specification.entities[0].value'],
      [{ ...body, binder_specification: { ...body.binder_specification, entities: [{ type: 'designed_protein', chain_ids: ['P'], value: 'GS12..8' }] } }, 422, 'binder_specification.entities[0].value'],
      [{ ...body, binder_specification: { ...body.binder_specification, rules: { excluded_amino_acids: ['B'] } } }, 422, 'binder_specification.rules.excluded_amino_acids[0]'],
      [{ ...body, binder_specification: { ...body.binder_specification, entities: [{ type: 'designed_protein', chain_ids: ['A'], value: '10' }] } }, 422, 'binder_specification'],
      [{ ...body, target: { ...body.target, structure: { type: 'base64', media_type: 'chemical/x-cif', data: Buffer.from('not a structure').toString('base64') } } }, 422, 'target.structure'],
    ];
    await assertRefusedAt(client, 'design', cases);
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('keeps other workspaces’ and other modes’ runs invisible', async () => {
    const run = await server.client(key).protein.design.start(legacyDesignBody(10));
    await assertInvisibleElsewhere(server, 'design', run.id, await workspaceKey(server, await newWorkspace(server, 'Others'), 'test'), legacyDesignBody(10));
  });
});
