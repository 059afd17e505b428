import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYNTHETIC_SCREEN_MAX_TOKENS } from '@boltz/engines';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { download, newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { RUN_FIELDS, RUN_LIST_ITEM_FIELDS, allResults, assertRefusedAt, ledgerUnits, stopAndResumeToCompletion, waitForRun, usageToday, assertInvisibleElsewhere } from '../../../test/pipelines.ts';
import { apiError, assertFields } from '../../../test/sdk-assertions.ts';
import { readTarGz } from '../../../../engines/test/helpers.ts';
import { libraryScreenBody } from './examples.ts';

const screened = (run: any) => run.progress.num_proteins_screened + run.progress.num_proteins_failed;

/** Protein library screen through the official SDK (spec/API.md §10), test mode. */
describe('protein library screen', () => {
  let server: TestServer;
  let key: string;

  before(async () => {
    server = await startTestServer();
    key = await workspaceKey(server, await newWorkspace(server, 'Screeners'), 'test');
  });
  after(() => server.close());

  it('scores every candidate once, in order, against the target, and bills per result', async () => {
    const client = server.client(key);
    const body = libraryScreenBody(6);
    // A candidate whose chain id the target uses is renamed, not refused.
    body.proteins[5].entities[0].chain_ids = ['A'];
    const started = await client.protein.libraryScreen.start({ ...body, idempotency_key: 'screen-1' });
    assertFields(started, [...RUN_FIELDS, 'idempotency_key']);
    assert.match(started.id, /^prot_scr_/);
    assert.equal(started.status, 'pending');
    assert.deepEqual(started.progress, { num_proteins_screened: 0, num_proteins_failed: 0, total_proteins_to_screen: 6 });
    assert.equal(started.pipeline, 'boltzprot');
    assert.equal(started.pipeline_version, '1.0');
    assert.equal(started.engine, 'boltzprot');
    assert.ok(started.input?.target.type === 'structure_template' && started.input.target.structure.url, 'the uploaded target is echoed as a file URL');
    const list = await download(started.input!.proteins.url);
    assert.deepEqual(JSON.parse(list.bytes.toString()), body.proteins, 'the candidate list is echoed as one JSON file');
    assert.equal((await client.protein.libraryScreen.start({ ...body, idempotency_key: 'screen-1' })).id, started.id);

    const done = await waitForRun(client, 'libraryScreen', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual({ ...done.progress, latest_result_id: undefined }, { num_proteins_screened: 6, num_proteins_failed: 0, total_proteins_to_screen: 6, latest_result_id: undefined });
    const results = await allResults(client, 'libraryScreen', started.id, { limit: 4 });
    assert.deepEqual(results.map((r) => r.external_id), ['cand-1', 'cand-2', 'cand-3', 'cand-4', 'cand-5', 'cand-6']);
    assert.equal(done.progress.latest_result_id, results[5].id);
    results.forEach((result, i) => {
      assert.match(result.id, /^pres_/);
      assert.deepEqual(result.entities[0], { type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQI' }, 'the target crop comes first');
      const candidate = result.entities[1];
      assert.equal(candidate.value, body.proteins[i].entities[0].value);
      assert.equal(candidate.chain_ids[0], 'B', i === 5 ? 'the colliding chain id A takes the first free one' : 'chain ids are kept');
      const m = result.metrics;
      for (const metric of ['binding_confidence', 'iptm', 'structure_confidence', 'helix_fraction', 'sheet_fraction', 'loop_fraction', 'ipsae_min']) {
        assert.ok(m[metric] >= 0 && m[metric] <= 1, `${metric} = ${m[metric]}`);
      }
      assert.ok(m.min_interaction_pae > 0 && m.min_interaction_pae < 32, `min_interaction_pae = ${m.min_interaction_pae}`);
      assert.ok(Math.abs(m.helix_fraction + m.sheet_fraction + m.loop_fraction - 1) < 1e-9);
      assert.ok(result.artifacts.archive.url && result.artifacts.structure.url);
    });
    const archive = readTarGz((await download(results[0].artifacts.archive.url)).bytes);
    assert.deepEqual([...archive.keys()].sort(), ['result/metrics.json', 'result/pae.npz', 'result/predicted_structure.cif']);
    assert.deepEqual(JSON.parse(archive.get('result/metrics.json')!.toString()), results[0].metrics);
    assert.equal((await download(results[0].artifacts.structure.url)).bytes.toString(), archive.get('result/predicted_structure.cif')!.toString());

    assert.equal((await ledgerUnits(server, started.id)).units, 6);
    assert.ok((await usageToday(server, 'protein_library_screen')) >= 6, 'the usage endpoint shows the run');
  });

  it('counts a candidate that fails in progress, bills nothing for it, and finishes the run', async () => {
    const client = server.client(key);
    const body = libraryScreenBody(4);
    // With the target, larger than the synthetic GPU folds; smaller than the start cap.
    body.proteins[1].entities[0].value = 'A'.repeat(SYNTHETIC_SCREEN_MAX_TOKENS);
    const run = await client.protein.libraryScreen.start(body);
    const done = await waitForRun(client, 'libraryScreen', run.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.progress.num_proteins_screened, 3);
    assert.equal(done.progress.num_proteins_failed, 1);
    const results = await allResults(client, 'libraryScreen', run.id);
    assert.deepEqual(results.map((r) => r.external_id), ['cand-1', 'cand-3', 'cand-4']);
    assert.equal((await ledgerUnits(server, run.id)).units, 3);
  });

  it('stops with results kept, resumes from its checkpoint, and ends with one result per candidate', async () => {
    const client = server.client(key);
    const run = await client.protein.libraryScreen.start(libraryScreenBody(120));
    const results = await stopAndResumeToCompletion(server, client, 'libraryScreen', run.id, { expected: 120, done: screened, atLeast: 20 });
    assert.deepEqual(results.map((r) => r.external_id), Array.from({ length: 120 }, (_, i) => `cand-${i + 1}`), 'each candidate screened exactly once, in order');
    await assert.rejects(client.protein.libraryScreen.resume(run.id), apiError(409, 'conflict'));
    await assert.rejects(client.protein.libraryScreen.stop(run.id), apiError(409, 'conflict'));
  });

  it('filters results by ids, lists runs, deletes a finished run’s data', async () => {
    const client = server.client(key);
    const run = await client.protein.libraryScreen.start(libraryScreenBody(5));
    await assert.rejects(client.protein.libraryScreen.deleteData(run.id), apiError(409, 'conflict'));
    await waitForRun(client, 'libraryScreen', run.id);
    const results = await allResults(client, 'libraryScreen', run.id);
    const picked = await allResults(client, 'libraryScreen', run.id, { ids: [results[3].id, 'pres_unknown', results[1].id].join(','), limit: 1 });
    assert.deepEqual(picked.map((r) => r.id), [results[1].id, results[3].id]);
    const listed = (await client.protein.libraryScreen.list()).data.find((item) => item.id === run.id)!;
    assertFields(listed, RUN_LIST_ITEM_FIELDS);
    assert.equal(listed.progress?.num_proteins_screened, 5);

    const deleted = await client.protein.libraryScreen.deleteData(run.id);
    assert.equal(deleted.data_deleted, true);
    assert.equal((await client.protein.libraryScreen.retrieve(run.id)).input, null);
    assert.equal((await allResults(client, 'libraryScreen', run.id)).length, 0);
    assert.equal((await download(results[0].artifacts.archive.url)).status, 404);
  });

  it('quotes per candidate at the size tier of the largest complex, and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const estimate = await client.protein.libraryScreen.estimateCost(libraryScreenBody(40));
    assert.equal(estimate.breakdown.application, 'protein_library_screen');
    assert.equal(estimate.breakdown.num_units, 40);
    assert.equal(estimate.breakdown.cost_per_unit_usd, '0.0250');
    assert.equal(estimate.estimated_cost_usd, '1.0000');
    const big = libraryScreenBody(2);
    big.proteins[0].entities[0].value = 'A'.repeat(300);
    assert.equal((await client.protein.libraryScreen.estimateCost(big)).breakdown.cost_per_unit_usd, '0.0500', '312 tokens: second tier');
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('takes a library of 20,000 candidates, a body of several MiB', async () => {
    const body = libraryScreenBody(20_000);
    assert.ok(JSON.stringify(body).length > 1024 * 1024);
    const estimate = await server.client(key).protein.libraryScreen.estimateCost(body);
    assert.equal(estimate.breakdown.num_units, 20_000);
    assert.equal(estimate.estimated_cost_usd, '500.0000');
  });

  it('names the offending path of invalid requests and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const body = libraryScreenBody(3);
    const candidate = (entities: unknown, id?: string) => ({ ...(id ? { id } : {}), entities });
    const withCandidates = (...proteins: unknown[]) => ({ ...body, proteins: [...body.proteins, ...proteins] });
    await assertRefusedAt(client, 'libraryScreen', [
      [{ ...body, proteins: [] }, 400, 'proteins'],
      [{ ...body, target: { ...body.target, chain_selection: { Z: { chain_type: 'polymer', crop_residues: 'all' } } } }, 422, 'target.chain_selection.Z'],
      [{ ...body, target: { ...body.target, chain_selection: { A: { chain_type: 'polymer', crop_residues: [0, 99] } } } }, 422, 'target.chain_selection.A.crop_residues[1]'],
      [{ ...body, target: { ...body.target, structure: { type: 'base64', media_type: 'chemical/x-cif', data: Buffer.from('not a structure').toString('base64') } } }, 422, 'target.structure'],
      [{ ...body, target: { type: 'no_template', entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQR' }], epitope_residues: { A: [40] } } }, 422, 'target.epitope_residues.A[0]'],
      [withCandidates(candidate([{ type: 'protein', chain_ids: ['B'], value: 'MKTJYI' }])), 422, 'proteins[3].entities[0].value'],
      [withCandidates(candidate([{ type: 'ligand_ccd', chain_ids: ['B'], value: 'ATP' }])), 422, 'proteins[3].entities'],
      [withCandidates(candidate([{ type: 'protein', chain_ids: ['B'], value: 'MKTAYI' }], 'cand-1')), 422, 'proteins[3].id'],
      [withCandidates(candidate([{ type: 'protein', chain_ids: ['B'], value: 'A'.repeat(4995) }])), 422, 'proteins[3]'],
    ]);
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('keeps other workspaces’ and other modes’ runs invisible', async () => {
    const run = await server.client(key).protein.libraryScreen.start(libraryScreenBody(3));
    await assertInvisibleElsewhere(server, 'libraryScreen', run.id, await workspaceKey(server, await newWorkspace(server, 'Other screeners'), 'test'), libraryScreenBody(3));
  });
});
