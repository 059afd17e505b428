import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MoleculeFilters, loadChemistry } from '@boltz/chemistry';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { download, newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { RUN_FIELDS, RUN_LIST_ITEM_FIELDS, ledgerUnits } from '../../../test/pipelines.ts';
import { apiError, assertFields } from '../../../test/sdk-assertions.ts';
import { EXAMPLE_TARGET, allMoleculeResults, assertRefusedAt, assertMoleculeMetrics, cifChains, expectedVerdicts, waitForMoleculeRun } from '../../../test/small-molecules.ts';

const target = EXAMPLE_TARGET as any;

/** Small-molecule design through the official SDK (spec/API.md §10), test mode. */
describe('small-molecule design', () => {
  let server: TestServer;
  let key: string;

  before(async () => {
    server = await startTestServer();
    key = await workspaceKey(server, await newWorkspace(server, 'Chemists'), 'test');
  });
  after(() => server.close());

  it('designs exactly num_molecules unique, valid, drug-like molecules that pass the run’s filters', async () => {
    const client = server.client(key);
    const filters: MoleculeFilters = {
      boltz_smarts_catalog_filter_level: 'extra',
      custom_filters: [
        { type: 'lipinski_filter', max_mw: 450, max_logp: 4, max_hbd: 3, max_hba: 8 },
        { type: 'rdkit_descriptor_filter', tpsa: { min: 30, max: 110 }, num_aromatic_rings: { max: 3 } },
        { type: 'smiles_regex_filter', patterns: ['Cl', 'F'] },
        { type: 'smarts_custom_filter', patterns: ['[SX4](=O)(=O)'] },
      ],
    };
    const started = await client.smallMolecule.design.start({ num_molecules: 25, target, molecule_filters: filters as never, idempotency_key: 'design-1' });
    assertFields(started, [...RUN_FIELDS, 'idempotency_key']);
    assert.match(started.id, /^sm_des_/);
    assert.equal(started.pipeline, 'boltzmol');
    assert.deepEqual(started.progress, { num_molecules_generated: 0, total_molecules_to_generate: 25 });

    const partway = await waitForMoleculeRun(client, 'design', started.id, (run) => run.progress.num_molecules_generated > 0);
    if (partway.status === 'running') assert.ok((await allMoleculeResults(client, 'design', started.id)).length > 0, 'results are readable while the run is running');
    const done = await waitForMoleculeRun(client, 'design', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const results = await allMoleculeResults(client, 'design', started.id, { limit: 7 });
    assert.equal(results.length, 25);
    assert.equal(done.progress.num_molecules_generated, 25);
    assert.equal(done.progress.latest_result_id, results[24].id);

    const chemistry = await loadChemistry();
    const smiles = results.map((r) => r.smiles);
    assert.equal(new Set(smiles).size, 25, 'unique within the run');
    assert.ok((await expectedVerdicts(smiles, filters, 'design')).every((verdict) => verdict.outcome === 'accepted'), 'every design passes the filters');
    for (const result of results) {
      const parsed = chemistry.parseSmiles(result.smiles)!;
      assert.ok(parsed, `${result.smiles} parses`);
      assert.equal(parsed.canonicalSmiles, result.smiles, 'canonical SMILES');
      assert.ok(parsed.heavyAtomCount >= 15 && parsed.heavyAtomCount <= 40);
      assert.ok(parsed.descriptors.amw >= 250 && parsed.descriptors.amw <= 550);
      assertMoleculeMetrics(result.metrics);
      assert.deepEqual(Object.keys(result.adme).sort(), ['lipophilicity', 'permeability', 'solubility']);
      assert.equal(result.external_id, undefined);
    }
    assert.equal((await ledgerUnits(server, started.id)).units, 25);

    const structure = (await download(results[0].artifacts.structure.url)).bytes.toString();
    assert.deepEqual([...cifChains(structure)].sort(), ['A', 'L']);
    assert.deepEqual([...cifChains((await download(results[0].artifacts.ligand_structure.url)).bytes.toString())], ['L']);

    // The same run id designs the same molecules: a second read of the run is stable, another run differs.
    const other = await client.smallMolecule.design.start({ num_molecules: 10, target, molecule_filters: filters as never });
    await waitForMoleculeRun(client, 'design', other.id);
    const otherSmiles = (await allMoleculeResults(client, 'design', other.id)).map((r) => r.smiles);
    assert.notDeepEqual(otherSmiles, smiles.slice(0, 10));
  });

  it('stops, resumes and ends with exactly num_molecules unique designs', async () => {
    const client = server.client(key);
    const run = await client.smallMolecule.design.start({ num_molecules: 60, target });
    await waitForMoleculeRun(client, 'design', run.id, (r) => r.progress.num_molecules_generated >= 10);
    assert.equal((await client.smallMolecule.design.stop(run.id)).status, 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const kept = await allMoleculeResults(client, 'design', run.id);
    assert.equal((await client.smallMolecule.design.retrieve(run.id)).progress?.num_molecules_generated, kept.length);
    await client.smallMolecule.design.resume(run.id);
    const done = await waitForMoleculeRun(client, 'design', run.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const results = await allMoleculeResults(client, 'design', run.id);
    assert.equal(results.length, 60);
    assert.equal(new Set(results.map((r) => r.smiles)).size, 60, 'a resumed run does not repeat molecules it already designed');
    assert.deepEqual(results.slice(0, kept.length).map((r) => r.id), kept.map((r) => r.id));
    assert.equal((await ledgerUnits(server, run.id)).units, 60);
    await assert.rejects(client.smallMolecule.design.resume(run.id), apiError(409, 'conflict'));
  });

  it('fails with a clear error when the filters leave nothing to design, billing only what was designed', async () => {
    const client = server.client(key);
    const run = await client.smallMolecule.design.start({ num_molecules: 10, target, molecule_filters: { custom_filters: [{ type: 'rdkit_descriptor_filter', mol_wt: { max: 100 } }] } });
    const done = await waitForMoleculeRun(client, 'design', run.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error.code, 'design_failed');
    assert.match(done.error.message, /filtered/);
    assert.equal((await ledgerUnits(server, run.id)).units, 0);
  });

  it('lists, deletes data, quotes per molecule and rejects bad input by path, creating nothing', async () => {
    const client = server.client(key);
    const run = await client.smallMolecule.design.start({ num_molecules: 10, target });
    await waitForMoleculeRun(client, 'design', run.id);
    assertFields((await client.smallMolecule.design.list()).data.find((item) => item.id === run.id)!, RUN_LIST_ITEM_FIELDS);
    assert.equal((await client.smallMolecule.design.deleteData(run.id)).data_deleted, true);
    assert.equal((await allMoleculeResults(client, 'design', run.id)).length, 0);

    const before = await snapshotDatabase(server.storage);
    const estimate = await client.smallMolecule.design.estimateCost({ num_molecules: 100, target });
    assert.equal(estimate.breakdown.application, 'small_molecule_design');
    assert.equal(estimate.breakdown.num_units, 100);
    assert.equal(estimate.estimated_cost_usd, '2.5000');
    const cases: Array<[unknown, number, string]> = [
      [{ num_molecules: 9, target }, 400, 'num_molecules'],
      [{ num_molecules: 1_000_001, target }, 400, 'num_molecules'],
      [{ num_molecules: 10, target, chemical_space: 'zinc' }, 400, 'chemical_space'],
      [{ num_molecules: 10, target: { ...target, entities: [] } }, 400, 'target.entities'],
      [{ num_molecules: 10, target: { ...target, pocket_residues: { A: [-1] } } }, 422, 'target.pocket_residues.A[0]'],
      [{ num_molecules: 10, target, molecule_filters: { custom_filters: [{ type: 'smarts_catalog_filter', catalog: 'pains' }] } }, 400, 'molecule_filters.custom_filters[0].catalog'],
    ];
    await assertRefusedAt([(r) => client.smallMolecule.design.start(r), (r) => client.smallMolecule.design.estimateCost(r)], cases);
    assert.equal(await snapshotDatabase(server.storage), before);
  });
});
