import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type JobInput, type PipelineRun, RunInterrupted, createBoltzScreenEngine, proteinScreenAdapter, smallMoleculeScreenAdapter } from '../src/index.ts';
import { collectingSink } from './helpers.ts';

/**
 * The Boltz-2 library screen against a stand-in `boltz predict` (fixtures/stand-ins/boltz-screen.mjs):
 * batches of records, the target MSA computed once and reused, affinity → metrics, per-molecule
 * failures counted, resume without re-predicting or re-committing.
 */
const BOLTZ = new URL('./fixtures/stand-ins/boltz-screen.mjs', import.meta.url).pathname;
const roots: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'screen-test-'));
  roots.push(dir);
  return dir;
};
after(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const MOLECULES = ['CCO', 'c1ccccc1', 'c1ccccc1I', 'CC(=O)Nc1ccc(O)cc1', 'CC(=O)Oc1ccccc1C(=O)O', 'CCN(CC)CC', 'c1ccc2ccccc2c1'].map((smiles, i) => ({ smiles, id: `cpd-${i}` }));

function screenRun(id: string, resume?: { resultCount: number; checkpoint: unknown }): PipelineRun<'small_molecule_library_screen'> {
  return {
    id,
    kind: 'small_molecule_library_screen',
    livemode: true,
    input: { molecules: MOLECULES, target: { entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQ' }], pocket_residues: { A: [2, 5] } } } as unknown as JobInput<'small_molecule_library_screen'>,
    inputFiles: new Map(),
    workDir: scratch(),
    resultCount: resume?.resultCount ?? 0,
    checkpoint: resume?.checkpoint ?? null,
    progress: null,
  };
}

const sink = (stopAfter = Infinity) => collectingSink<'small_molecule_library_screen'>(stopAfter);

const engine = (workRoot: string) => createBoltzScreenEngine(smallMoleculeScreenAdapter, { executable: BOLTZ, workRoot, targetMsa: 'server', batchSize: 3, pollMs: 50, packageVersion: '2.2.1' });

describe('Boltz-2 small-molecule library screen: run() with a stand-in boltz', () => {
  it('one row per molecule with affinity metrics, the iodinated one counted failed, billed per row', async () => {
    const out = sink();
    const workRoot = scratch();
    const outcome = await engine(workRoot).run(screenRun('sm_scr_a'), out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const rows = out.batches.flatMap((b) => b.results) as any[];
    assert.deepEqual(rows.map((r) => r.external_id).sort(), ['cpd-0', 'cpd-1', 'cpd-3', 'cpd-4', 'cpd-5', 'cpd-6']);
    assert.deepEqual(out.batches.at(-1)!.progress, { num_molecules_screened: 6, num_molecules_failed: 1, total_molecules_to_screen: 7 });
    assert.equal(out.batches.reduce((sum, b) => sum + b.billedUnits, 0), 6);
    for (const row of rows) {
      const m = row.metrics;
      assert.ok(m.binding_confidence >= 0 && m.binding_confidence <= 1);
      assert.ok(m.optimization_score >= 4 && m.optimization_score <= 8, 'optimization_score = 6 − log10 IC50');
      assert.equal(row.smiles, MOLECULES.find((mol) => mol.id === row.external_id)!.smiles);
    }
  });

  it('computes the target MSA once and gives every record that MSA, a pocket and affinity on the molecule', async () => {
    const workRoot = scratch();
    const out = sink(2);
    await assert.rejects(engine(workRoot).run(screenRun('sm_scr_b'), out, new AbortController().signal), RunInterrupted);
    const folder = join(workRoot, 'sm_scr_b');
    const record = parse(readFileSync(join(folder, 'batch_0', 'inputs', 'c1.yaml'), 'utf8'));
    assert.deepEqual(record, {
      version: 1,
      sequences: [{ protein: { id: ['A'], sequence: 'MKTAYIAKQRQISFVKSHFSRQ', msa: join(folder, 'msa', 'out', 'boltz_results_target', 'msa', 'target_0.csv') } }, { ligand: { id: 'L', smiles: 'c1ccccc1' } }],
      constraints: [{ pocket: { binder: 'L', contacts: [['A', 3], ['A', 6]], max_distance: 6 } }],
      properties: [{ affinity: { binder: 'L' } }],
    });
    const msaRuns = readFileSync(join(folder, 'msa', 'boltz-invocations.jsonl'), 'utf8').trim().split('\n');
    assert.equal(msaRuns.length, 1);

    // Resume: the MSA is not computed again, committed molecules are not committed again.
    const committed = out.batches.flatMap((b) => b.results).length;
    const second = sink();
    const outcome = await engine(workRoot).run(screenRun('sm_scr_b', { resultCount: committed, checkpoint: out.batches.at(-1)!.checkpoint }), second, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const ids = [...out.batches, ...second.batches].flatMap((b) => b.results).map((r: any) => r.external_id);
    assert.equal(ids.length, 6);
    assert.equal(new Set(ids).size, 6);
    assert.deepEqual(second.batches.at(-1)!.progress, { num_molecules_screened: 6, num_molecules_failed: 1, total_molecules_to_screen: 7 });
  });

  it('protein candidates: colliding chain ids renamed, epitope as a pocket, ipTM, interface PAE and secondary structure from the outputs', async () => {
    const workRoot = scratch();
    const out = collectingSink<'protein_library_screen'>();
    const run: PipelineRun<'protein_library_screen'> = {
      id: 'prot_scr_a',
      kind: 'protein_library_screen',
      livemode: true,
      input: {
        target: { type: 'no_template', entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQ' }], epitope_residues: { A: [2, 3] } },
        proteins: [{ id: 'p1', entities: [{ type: 'protein', chain_ids: ['A'], value: 'GSHMEELLKK' }] }, { entities: [{ type: 'protein', chain_ids: ['C'], value: 'ACDEFGHIKL' }] }],
      } as unknown as JobInput<'protein_library_screen'>,
      inputFiles: new Map(),
      workDir: scratch(),
      resultCount: 0,
      checkpoint: null,
      progress: null,
    };
    const screen = createBoltzScreenEngine(proteinScreenAdapter, { executable: BOLTZ, workRoot, targetMsa: 'empty', batchSize: 4, pollMs: 50 });
    assert.deepEqual(Object.keys(screen.admissionProblems!({ target: { type: 'structure_template' }, proteins: [] } as never)), ['target.type']);
    const outcome = await screen.run(run, out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const rows = out.batches.flatMap((b) => b.results) as any[];
    assert.equal(rows.length, 2);
    const first = rows.find((row) => row.external_id === 'p1');
    assert.deepEqual(first.entities, [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQ' }, { type: 'protein', chain_ids: ['B'], value: 'GSHMEELLKK' }]);
    for (const row of rows) {
      const m = row.metrics;
      assert.ok(m.iptm > 0.5 && m.iptm < 1);
      assert.equal(m.binding_confidence, m.iptm);
      assert.ok(m.min_interaction_pae >= 3 && m.min_interaction_pae < 23, JSON.stringify(m));
      assert.equal(m.helix_fraction, 1, 'the stand-in writes helices');
      assert.equal(m.sheet_fraction + m.loop_fraction, 0);
    }
    assert.deepEqual(out.batches.at(-1)!.progress, { num_proteins_screened: 2, num_proteins_failed: 0, total_proteins_to_screen: 2 });
  });
});
