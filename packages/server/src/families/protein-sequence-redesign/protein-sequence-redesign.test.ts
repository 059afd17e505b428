import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { download, newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { RUN_FIELDS, RUN_LIST_ITEM_FIELDS, allResults, assertRefusedAt, ledgerUnits, stopAndResumeToCompletion, waitForRun, usageToday, assertInvisibleElsewhere } from '../../../test/pipelines.ts';
import { apiError, assertFields } from '../../../test/sdk-assertions.ts';
import { readTarGz } from '../../../../engines/test/helpers.ts';
import { twoChainCif } from '../protein-design/examples.ts';
import { binderRedesignBody, genericRedesignBody } from './examples.ts';

const HYDROPHOBIC = 'ILVMFWY';
const sequenceOf = (result: any, chain: string) => result.entities.find((entity: any) => entity.chain_ids[0] === chain).value as string;

/** Protein sequence redesign through the official SDK (spec/API.md §10), test mode. */
describe('protein sequence redesign', () => {
  let server: TestServer;
  let key: string;

  before(async () => {
    server = await startTestServer();
    key = await workspaceKey(server, await newWorkspace(server, 'Redesigners'), 'test');
  });
  after(() => server.close());

  it('redesigns exactly the chosen binder residues into num_proteins distinct sequences that pass the filters', async () => {
    const client = server.client(key);
    const started = await client.protein.sequenceRedesign.start({ ...binderRedesignBody(30), idempotency_key: 'redesign-1' });
    assertFields(started, [...RUN_FIELDS, 'idempotency_key']);
    assert.match(started.id, /^prot_seq_/);
    assert.equal(started.status, 'pending');
    assert.deepEqual(started.progress, { num_proteins_generated: 0, total_proteins_to_generate: 30 });
    assert.equal(started.pipeline, 'boltz-protein-redesign');
    assert.equal(started.pipeline_version, 'v2026-07-14');
    assert.equal(started.engine_version, 'v2026-07-14');
    assert.ok(started.input?.structure.url, 'the uploaded structure is echoed as a file URL');

    const done = await waitForRun(client, 'sequenceRedesign', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.progress.num_proteins_generated, 30);
    const results = await allResults(client, 'sequenceRedesign', started.id, { limit: 7 });
    assert.equal(results.length, 30);
    assert.equal(done.progress.latest_result_id, results[29].id);
    assert.equal(new Set(results.map((r) => sequenceOf(r, 'B'))).size, 30, 'every redesigned sequence is distinct');
    for (const result of results) {
      assert.equal(result.type, 'binder');
      assert.equal(sequenceOf(result, 'A'), 'MKTAYIAKQRQI', 'the target is fixed');
      const binder = sequenceOf(result, 'B');
      assert.match(binder, /^G[A-Z]{6}L$/, 'only residues 1–6 of GSHMEELL change');
      const designed = binder.slice(1, 7);
      assert.doesNotMatch(designed, /C/, 'cysteine is excluded when global_design_filters is omitted');
      assert.ok([...designed].filter((letter) => HYDROPHOBIC.includes(letter)).length <= 3, `${designed}: at most half hydrophobic`);
      const m = result.metrics as Record<string, number>;
      for (const metric of ['binding_confidence', 'iptm', 'structure_confidence', 'helix_fraction', 'sheet_fraction', 'loop_fraction', 'ipsae_min']) assert.ok(m[metric] >= 0 && m[metric] <= 1, `${metric} = ${m[metric]}`);
      assert.ok(m.min_interaction_pae > 0, `min_interaction_pae = ${m.min_interaction_pae}`);
      assert.ok(Math.abs(m.helix_fraction + m.sheet_fraction + m.loop_fraction - 1) < 1e-9);
    }
    const confidences = results.map((r) => r.metrics.structure_confidence).sort((a, b) => a - b);
    assert.ok(confidences[15] >= 0.6, `a fixed backbone predicts confidently: median structure_confidence ${confidences[15]}`);
    const archive = readTarGz((await download(results[0].artifacts.archive.url)).bytes);
    assert.deepEqual([...archive.keys()].sort(), ['result/metrics.json', 'result/pae.npz', 'result/predicted_structure.cif']);
    assert.deepEqual(JSON.parse(archive.get('result/metrics.json')!.toString()), results[0].metrics);
    assert.equal((await download(results[0].artifacts.structure!.url)).bytes.toString(), archive.get('result/predicted_structure.cif')!.toString());

    assert.equal((await ledgerUnits(server, started.id)).units, 30);
    assert.ok((await usageToday(server, 'protein_redesign')) >= 30, 'the usage endpoint shows the run');
  });

  it('runs generic redesigns with global filters: no excluded letter, no excluded motif, generic metrics', async () => {
    const client = server.client(key);
    const run = await client.protein.sequenceRedesign.start(genericRedesignBody(40));
    const done = await waitForRun(client, 'sequenceRedesign', run.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const results = await allResults(client, 'sequenceRedesign', run.id);
    assert.equal(results.length, 40);
    assert.equal(new Set(results.map((r) => sequenceOf(r, 'A'))).size, 40);
    for (const result of results) {
      assert.equal(result.type, 'generic');
      const chain = sequenceOf(result, 'A');
      assert.equal(chain.slice(3, 9), 'AYIAKQ', 'residues 3–8 are kept');
      assert.doesNotMatch(chain.slice(0, 3) + chain.slice(9), /[CW]/);
      assert.doesNotMatch(chain, /N.S/, 'the excluded motif NXS appears nowhere');
      assert.equal(sequenceOf(result, 'B'), 'GSHMEELL');
      assert.deepEqual(Object.keys(result.metrics).sort(), ['helix_fraction', 'loop_fraction', 'sheet_fraction', 'structure_confidence']);
    }
  });

  it('stops with results kept, resumes from its checkpoint, and ends with exactly num_proteins distinct sequences', async () => {
    const client = server.client(key);
    const run = await client.protein.sequenceRedesign.start(binderRedesignBody(150));
    const results = await stopAndResumeToCompletion(server, client, 'sequenceRedesign', run.id, { expected: 150, done: (r) => r.progress.num_proteins_generated, atLeast: 20 });
    assert.equal(new Set(results.map((r) => sequenceOf(r, 'B'))).size, 150, 'no sequence produced twice across the stop');
    await assert.rejects(client.protein.sequenceRedesign.resume(run.id), apiError(409, 'conflict'));
  });

  it('filters results by ids, lists runs, deletes a finished run’s data', async () => {
    const client = server.client(key);
    const run = await client.protein.sequenceRedesign.start(binderRedesignBody(10));
    await waitForRun(client, 'sequenceRedesign', run.id);
    const results = await allResults(client, 'sequenceRedesign', run.id);
    const picked = await allResults(client, 'sequenceRedesign', run.id, { ids: [results[8].id, 'pres_unknown', results[0].id].join(','), limit: 1 });
    assert.deepEqual(picked.map((r) => r.id), [results[0].id, results[8].id]);
    const listed = (await client.protein.sequenceRedesign.list()).data.find((item) => item.id === run.id)!;
    assertFields(listed, RUN_LIST_ITEM_FIELDS);
    const deleted = await client.protein.sequenceRedesign.deleteData(run.id);
    assert.equal(deleted.data_deleted, true);
    assert.equal((await client.protein.sequenceRedesign.retrieve(run.id)).input, null);
    assert.equal((await allResults(client, 'sequenceRedesign', run.id)).length, 0);
    assert.equal((await download(results[0].artifacts.archive.url)).status, 404);
  });

  it('quotes per redesigned protein at the size tier of the structure, and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const estimate = await client.protein.sequenceRedesign.estimateCost(binderRedesignBody(100));
    assert.equal(estimate.breakdown.application, 'protein_redesign');
    assert.equal(estimate.breakdown.num_units, 100);
    assert.equal(estimate.breakdown.cost_per_unit_usd, '0.0250');
    assert.equal(estimate.estimated_cost_usd, '2.5000');
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('names the offending path of invalid requests and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const body = binderRedesignBody();
    const [target, binder] = body.entities;
    const motif = binder.design_motifs![0];
    const withBinder = (changes: object) => ({ ...body, entities: [target, { ...binder, ...changes }] });
    const withMotif = (changes: object) => withBinder({ design_motifs: [{ ...motif, ...changes }] });
    await assertRefusedAt(client, 'sequenceRedesign', [
      [{ ...body, num_proteins: 9 }, 400, 'num_proteins'],
      [{ ...body, structure: { ...body.structure, media_type: 'chemical/x-pdb' } }, 400, 'structure.media_type'],
      [{ ...body, structure: { ...body.structure, data: Buffer.from('not a structure').toString('base64') } }, 422, 'structure'],
      [{ ...body, entities: [{ ...target, chain_id: 'Z' }, binder] }, 422, 'entities[0].chain_id'],
      [{ ...body, entities: [binder] }, 422, 'entities'],
      [{ ...body, entities: [target, binder, { ...binder, design_motifs: undefined }] }, 422, 'entities[2].chain_id'],
      [{ ...body, entities: [{ ...target, role: 'binder' }, binder] }, 422, 'entities'],
      [withBinder({ design_motifs: undefined }), 422, 'entities'],
      [withMotif({ residues: [1, 99] }), 422, 'entities[1].design_motifs[0].residues[1]'],
      [withBinder({ design_motifs: [motif, { ...motif, residues: [7, 3] }] }), 422, 'entities[1].design_motifs[1].residues[1]'],
      [withMotif({ filters: [{ type: 'excluded_amino_acids', amino_acids: ['B'] }] }), 422, 'entities[1].design_motifs[0].filters[0].amino_acids[0]'],
      [{ ...withMotif({ residues: [2] }), num_proteins: 100 }, 422, 'num_proteins'],
      [{ ...body, structure: { ...body.structure, data: Buffer.from(twoChainCif().replace(' C CA HIS B 3 ', ' C CB HIS B 3 ')).toString('base64') } }, 422, 'entities[1].design_motifs[0].residues[1]'],
    ]);
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('keeps other workspaces’ and other modes’ runs invisible', async () => {
    const run = await server.client(key).protein.sequenceRedesign.start(binderRedesignBody());
    await assertInvisibleElsewhere(server, 'sequenceRedesign', run.id, await workspaceKey(server, await newWorkspace(server, 'Other redesigners'), 'test'), binderRedesignBody());
  });
});
