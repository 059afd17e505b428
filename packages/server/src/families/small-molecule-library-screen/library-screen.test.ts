import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MoleculeFilters } from '@boltz/chemistry';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { download, newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { RUN_FIELDS, RUN_LIST_ITEM_FIELDS, ledgerUnits } from '../../../test/pipelines.ts';
import { assertFields } from '../../../test/sdk-assertions.ts';
import { EXAMPLE_TARGET, allMoleculeResults, assertRefusedAt, assertMoleculeMetrics, cifChains, expectedVerdicts, filterLibrary, waitForMoleculeRun } from '../../../test/small-molecules.ts';
import { readTarGz } from '../../../../engines/test/helpers.ts';

const target = EXAMPLE_TARGET as any;

/** Small-molecule library screen through the official SDK (spec/API.md §10), test mode. */
describe('small-molecule library screen', () => {
  let server: TestServer;
  let key: string;

  before(async () => {
    server = await startTestServer();
    key = await workspaceKey(server, await newWorkspace(server, 'Screeners'), 'test');
  });
  after(() => server.close());

  it('counts invalid and filtered molecules exactly as the chemistry library does, scores and bills only the rest', async () => {
    const client = server.client(key);
    // The seeded library (catalog hits, Lipinski violators, invalid SMILES) and a molecule without an id.
    const molecules = [...filterLibrary(), { smiles: 'not a smiles', id: 'junk' }, { smiles: 'CCO' }];
    const filters: MoleculeFilters = {
      boltz_smarts_catalog_filter_level: 'extra',
      custom_filters: [
        { type: 'lipinski_filter', max_mw: 500, max_logp: 5, max_hbd: 5, max_hba: 10, allow_single_violation: true },
        { type: 'rdkit_descriptor_filter', tpsa: { max: 140 }, num_rotatable_bonds: { max: 200 } },
        { type: 'smiles_regex_filter', patterns: ['Br'] },
      ],
    };
    const verdicts = await expectedVerdicts(molecules.map((m) => m.smiles), filters, 'library_screen');
    const expected = {
      invalid: verdicts.filter((v) => v.outcome === 'invalid').length,
      filtered: verdicts.filter((v) => v.outcome === 'filtered').length,
      accepted: verdicts.flatMap((v, i) => (v.outcome === 'accepted' ? [molecules[i]] : [])),
    };
    assert.ok(expected.invalid >= 2 && expected.filtered >= 20 && expected.accepted.length >= 20, JSON.stringify({ ...expected, accepted: expected.accepted.length }));

    const started = await client.smallMolecule.libraryScreen.start({ molecules, target, molecule_filters: filters as never, idempotency_key: 'screen-1' });
    assertFields(started, [...RUN_FIELDS, 'idempotency_key']);
    assert.match(started.id, /^sm_scr_/);
    assert.equal(started.pipeline, 'boltzmol');
    assert.equal(started.pipeline_version, '1.0');
    assert.ok((started.input as any).molecules.url, 'the molecule list is echoed as one file');
    assert.equal((await client.smallMolecule.libraryScreen.start({ molecules, target, molecule_filters: filters as never, idempotency_key: 'screen-1' })).id, started.id);

    const done = await waitForMoleculeRun(client, 'libraryScreen', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const results = await allMoleculeResults(client, 'libraryScreen', started.id, { limit: 13 });
    assert.deepEqual(done.progress, {
      num_molecules_screened: expected.accepted.length,
      num_molecules_failed: 0,
      total_molecules_to_screen: expected.accepted.length,
      rejection_summary: { filtered_count: expected.filtered, invalid_count: expected.invalid },
      latest_result_id: results.at(-1).id,
    });
    // Rows in submission order, SMILES as submitted, ids as external_id (none when not given).
    const scored = expected.accepted;
    assert.deepEqual(results.map((r) => r.smiles), scored.map((m) => m.smiles));
    assert.deepEqual(results.map((r) => r.external_id), scored.map((m) => (m as { id?: string }).id));
    for (const result of results) {
      assertMoleculeMetrics(result.metrics);
      assert.deepEqual(Object.keys(result.adme).sort(), ['lipophilicity', 'permeability', 'solubility']);
      assert.ok(['high-confidence', 'medium-confidence', 'high-risk'].includes(result.adme.solubility));
      assert.deepEqual(Object.keys(result.artifacts).sort(), ['archive', 'ligand_structure', 'structure']);
    }
    assert.equal((await ledgerUnits(server, started.id)).units, scored.length, 'billed per scored molecule only');
  });

  it('serves each result’s complex, ligand and archive, the ligand against the pocket', async () => {
    const client = server.client(key);
    const run = await client.smallMolecule.libraryScreen.start({ molecules: [{ smiles: 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1', id: 'imatinib' }], target });
    await waitForMoleculeRun(client, 'libraryScreen', run.id);
    const [result] = await allMoleculeResults(client, 'libraryScreen', run.id);
    const structure = (await download(result.artifacts.structure.url)).bytes.toString();
    assert.deepEqual([...cifChains(structure)].sort(), ['A', 'L']);
    const ligand = (await download(result.artifacts.ligand_structure.url)).bytes.toString();
    assert.deepEqual([...cifChains(ligand)], ['L']);
    assert.equal(ligand.split('\n').filter((line) => line.startsWith('HETATM')).length, 37, 'imatinib’s 37 heavy atoms');
    const archive = readTarGz((await download(result.artifacts.archive.url)).bytes);
    assert.deepEqual([...archive.keys()].sort(), ['result/ligand.cif', 'result/metrics.json', 'result/pae.npz', 'result/predicted_structure.cif']);
    assert.deepEqual(JSON.parse(archive.get('result/metrics.json')!.toString()), result.metrics);
    assert.equal(archive.get('result/predicted_structure.cif')!.toString(), structure);
    // Some ligand atom within 6 Å of a pocket residue's atom.
    const atoms = structure.split('\n').filter((line) => /^(ATOM|HETATM)\s/.test(line)).map((line) => line.split(/\s+/));
    const xyz = (f: string[]) => [Number(f[10]), Number(f[11]), Number(f[12])];
    const pocket = atoms.filter((f) => f[6] === 'A' && EXAMPLE_TARGET.pocket_residues!.A.includes(Number(f[8]) - 1)).map(xyz);
    const ligandAtoms = atoms.filter((f) => f[6] === 'L').map(xyz);
    const closest = Math.min(...ligandAtoms.flatMap((p) => pocket.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]))));
    assert.ok(closest < 6, `ligand ${closest.toFixed(1)} Å from the pocket`);
  });

  it('fails a molecule over the 128-heavy-atom affinity limit without billing it; serves the files of one with a very long SMILES', async () => {
    const client = server.client(key);
    const giant = `C${'C'.repeat(129)}O`;
    // 80 heavy atoms written in 560 characters: too long to be re-created from a storage key, so its files are stored.
    const isotopes = `[13CH3]${'[13CH2]'.repeat(78)}[13CH3]`;
    const molecules = [{ smiles: 'CCO', id: 'ethanol' }, { smiles: giant, id: 'giant' }, { smiles: isotopes, id: 'isotopes' }];
    const run = await client.smallMolecule.libraryScreen.start({ molecules, target, molecule_filters: { boltz_smarts_catalog_filter_level: 'disabled' } });
    const done = await waitForMoleculeRun(client, 'libraryScreen', run.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.progress.num_molecules_screened, 2);
    assert.equal(done.progress.num_molecules_failed, 1);
    assert.equal(done.progress.total_molecules_to_screen, 3);
    const results = await allMoleculeResults(client, 'libraryScreen', run.id);
    assert.deepEqual(results.map((r) => r.external_id), ['ethanol', 'isotopes']);
    assert.equal((await ledgerUnits(server, run.id)).units, 2);
    const ligand = (await download(results[1].artifacts.ligand_structure.url)).bytes.toString();
    assert.equal(ligand.split('\n').filter((line) => line.startsWith('HETATM')).length, 80);
    assert.equal((await download(results[1].artifacts.archive.url)).status, 200);
  });

  it('stops with results kept, resumes, and ends with exactly the accepted molecules, none billed twice', async () => {
    const client = server.client(key);
    const molecules = filterLibrary();
    const verdicts = await expectedVerdicts(molecules.map((m) => m.smiles), { boltz_smarts_catalog_filter_level: 'disabled' }, 'library_screen');
    const accepted = verdicts.filter((v) => v.outcome === 'accepted').length;
    const run = await client.smallMolecule.libraryScreen.start({ molecules, target, molecule_filters: { boltz_smarts_catalog_filter_level: 'disabled' } });
    await waitForMoleculeRun(client, 'libraryScreen', run.id, (r) => r.progress.num_molecules_screened >= 20);
    const stopped = await client.smallMolecule.libraryScreen.stop(run.id);
    assert.equal(stopped.status, 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const kept = await allMoleculeResults(client, 'libraryScreen', run.id);
    assert.equal((await client.smallMolecule.libraryScreen.retrieve(run.id)).progress?.num_molecules_screened, kept.length);
    assert.ok(kept.length < accepted);

    await client.smallMolecule.libraryScreen.resume(run.id);
    const done = await waitForMoleculeRun(client, 'libraryScreen', run.id);
    assert.equal(done.status, 'succeeded');
    const results = await allMoleculeResults(client, 'libraryScreen', run.id);
    assert.equal(results.length, accepted);
    assert.equal(done.progress.num_molecules_screened, accepted);
    assert.deepEqual(results.slice(0, kept.length).map((r) => r.id), kept.map((r) => r.id));
    assert.equal(new Set(results.map((r) => r.external_id)).size, accepted, 'no molecule scored twice');
    assert.equal((await ledgerUnits(server, run.id)).units, accepted);

    const picked = await allMoleculeResults(client, 'libraryScreen', run.id, { ids: [results[5].id, 'pres_unknown', results[1].id].join(','), limit: 1 });
    assert.deepEqual(picked.map((r) => r.id), [results[1].id, results[5].id]);
  });

  it('lists runs, deletes a finished run’s data and quotes per submitted molecule without creating anything', async () => {
    const client = server.client(key);
    const body = { molecules: filterLibrary().slice(0, 12), target };
    const run = await client.smallMolecule.libraryScreen.start(body);
    await waitForMoleculeRun(client, 'libraryScreen', run.id);
    assertFields((await client.smallMolecule.libraryScreen.list()).data.find((item) => item.id === run.id)!, RUN_LIST_ITEM_FIELDS);
    const [result] = await allMoleculeResults(client, 'libraryScreen', run.id);
    const deleted = await client.smallMolecule.libraryScreen.deleteData(run.id);
    assert.equal(deleted.data_deleted, true);
    assert.equal((await client.smallMolecule.libraryScreen.retrieve(run.id)).input, null);
    assert.equal((await allMoleculeResults(client, 'libraryScreen', run.id)).length, 0);
    assert.equal((await download(result.artifacts.archive.url)).status, 404);

    const before = await snapshotDatabase(server.storage);
    const estimate = await client.smallMolecule.libraryScreen.estimateCost(body);
    assert.equal(estimate.breakdown.application, 'small_molecule_library_screen');
    assert.equal(estimate.breakdown.num_units, 12);
    assert.equal(await snapshotDatabase(server.storage), before);

    // 40,000 molecules are a ~2 MB body: over the small default body limit, within the screen's.
    const library = Array.from({ length: 40_000 }, (_, i) => ({ smiles: `C${'C'.repeat(i % 20)}O`, id: `mol-${i}` }));
    const large = await client.smallMolecule.libraryScreen.estimateCost({ molecules: library, target });
    assert.equal(large.breakdown.num_units, 40_000);
  });

  it('names the offending path of invalid requests and creates nothing', async () => {
    const client = server.client(key);
    const before = await snapshotDatabase(server.storage);
    const body = { molecules: [{ smiles: 'CCO' }], target };
    const protein = EXAMPLE_TARGET.entities[0] as any;
    const cases: Array<[unknown, number, string]> = [
      [{ ...body, molecules: [] }, 400, 'molecules'],
      [{ ...body, molecules: [{ smiles: 'CCO', id: 'x'.repeat(1025) }] }, 400, 'molecules[0].id'],
      [{ ...body, molecule_filters: { custom_filters: [{ type: 'smarts_catalog_filter', catalog: 'PAINZ' }] } }, 400, 'molecule_filters.custom_filters[0].catalog'],
      [{ ...body, molecule_filters: { boltz_smarts_catalog_filter_level: 'strict' } }, 400, 'molecule_filters.boltz_smarts_catalog_filter_level'],
      [{ ...body, molecule_filters: { custom_filters: [{ type: 'smarts_custom_filter', patterns: ['[C;'] }] } }, 422, 'molecule_filters.custom_filters[0].patterns[0]'],
      [{ ...body, molecule_filters: { custom_filters: [{ type: 'smiles_regex_filter', patterns: ['(?<=C)O'] }] } }, 422, 'molecule_filters.custom_filters[0].patterns[0]'],
      [{ ...body, molecule_filters: { custom_filters: [{ type: 'rdkit_descriptor_filter', mol_wt: { min: 500, max: 200 } }] } }, 422, 'molecule_filters.custom_filters[0].mol_wt'],
      [{ ...body, target: { ...target, pocket_residues: { A: [0, 9999] } } }, 422, 'target.pocket_residues.A[1]'],
      [{ ...body, target: { ...target, pocket_residues: { B: [1] } } }, 422, 'target.pocket_residues.B'],
      [{ ...body, target: { ...target, reference_ligands: ['C1CC'] } }, 422, 'target.reference_ligands[0]'],
      [{ ...body, target: { entities: [{ ...protein, value: 'MKTAYIAKQRZ' }] } }, 422, 'target.entities[0].value'],
      [{ ...body, target: { entities: [protein, { ...protein, chain_ids: ['A'] }] } }, 422, 'target.entities[1].chain_ids[0]'],
      [{ ...body, target: { ...target, constraints: [{ type: 'pocket', binder_chain_id: 'L', contact_residues: { Q: [1] }, max_distance_angstrom: 6 }] } }, 422, 'target.constraints[0].contact_residues.Q'],
      [
        { ...body, target: { entities: [{ type: 'glycan', chain_ids: ['G'], residues: [{ id: 'r1', ccd: 'NAG' }], bonds: [] }] } },
        422,
        'target.entities',
      ],
    ];
    await assertRefusedAt([(r) => client.smallMolecule.libraryScreen.start(r), (r) => client.smallMolecule.libraryScreen.estimateCost(r)], cases);
    // A pocket constraint's binder is the molecule, chain L.
    await client.smallMolecule.libraryScreen.estimateCost({ ...body, target: { ...target, constraints: [{ type: 'pocket', binder_chain_id: 'L', contact_residues: { A: [25] }, max_distance_angstrom: 6 }] } } as never);
    assert.equal(await snapshotDatabase(server.storage), before);
  });
});
