import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type JobInput, type PipelineRun, RunInterrupted, createContractEngine, describeExecutable } from '../src/index.ts';
import { collectingSink, readTarGz } from './helpers.ts';

/**
 * The executable contract (docs/engine-contract.md) end to end: the reference explore executable
 * (packages/engines/reference/explore-neighbourhood.py) scoring with a stand-in `boltz predict`.
 */
const REFERENCE = new URL('../reference/explore-neighbourhood.py', import.meta.url).pathname;
const BOLTZ = new URL('./fixtures/stand-ins/boltz-screen.mjs', import.meta.url).pathname;
const roots: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'contract-test-'));
  roots.push(dir);
  return dir;
};
before(() => {
  process.env.BOLTZ_REFERENCE_BOLTZ = BOLTZ;
  process.env.BOLTZ_REFERENCE_BATCH = '3';
});
after(() => {
  delete process.env.BOLTZ_REFERENCE_BOLTZ;
  delete process.env.BOLTZ_REFERENCE_BATCH;
  roots.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

// 12 rows: a duplicate (ethanol, twice), an invalid SMILES, and iodobenzene, which "runs out of memory".
const LIBRARY = [
  'id,smiles',
  'm1,CCO', 'm2,OCC(O)CO', 'm3,CCO', 'm4,c1ccccc1', 'm5,not a smiles!', 'm6,c1ccccc1I', 'm7,CC(=O)Nc1ccc(O)cc1',
  'm8,CC(=O)Oc1ccccc1C(=O)O', 'm9,CN1CCC[C@H]1c1cccnc1', 'm10,CCN(CC)CC', 'm11,c1ccc2ccccc2c1', 'm12,CC(C)Cc1ccc(C(C)C(=O)O)cc1',
].join('\n');

function exploreRun(id: string, budget: number, resume?: { resultCount: number; checkpoint: unknown }): PipelineRun<'small_molecule_explore'> {
  return {
    id,
    kind: 'small_molecule_explore',
    livemode: true,
    input: {
      budget,
      library: { format: 'csv', source: { type: 'base64', media_type: 'text/csv', data: '' }, id_column: 'id', smiles_column: 'smiles' },
      target: { entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQ' }], pocket_residues: { A: [3, 4] } },
    } as unknown as JobInput<'small_molecule_explore'>,
    inputFiles: new Map([['library.source', { data: Buffer.from(LIBRARY), mediaType: 'text/csv' }]]),
    workDir: scratch(),
    resultCount: resume?.resultCount ?? 0,
    checkpoint: resume?.checkpoint ?? null,
    progress: null,
  };
}

const sink = (stopAfter = Infinity) => collectingSink<'small_molecule_explore'>(stopAfter);

const engine = (workRoot: string) => createContractEngine({ kind: 'small_molecule_explore', executable: REFERENCE, workRoot, pollMs: 50 });

describe('executable contract: the reference explore executable', () => {
  it('describes itself, and the engine refuses chemical spaces it does not declare', () => {
    assert.deepEqual(describeExecutable(REFERENCE), { contract: 1, name: 'explore-neighbourhood', version: '1.0.0', families: ['small_molecule_explore'] });
    const contract = engine(scratch());
    assert.equal(contract.version, 'explore-neighbourhood 1.0.0 (contract 1)');
    assert.deepEqual(contract.admissionProblems!({ chemical_space: 'enamine_real' } as never), { chemical_space: '"enamine_real" is not supported by the live engine of this deployment' });
    assert.equal(contract.probe!().ok, true);
  });

  it('scores exactly the budget, streams rows with progress, counts failures and rejections, bills scored molecules', async () => {
    const out = sink();
    const outcome = await engine(scratch()).run(exploreRun('sm_exp_a', 6), out, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const rows = out.batches.flatMap((b) => b.results) as any[];
    assert.equal(rows.length, 6);
    assert.equal(new Set(rows.map((r) => r.smiles)).size, 6);
    assert.ok(!rows.some((r) => r.smiles === 'c1ccccc1I'), 'the molecule that failed is not a result');
    assert.equal(out.batches.reduce((sum, b) => sum + b.billedUnits, 0), 6);
    const last = out.batches.at(-1)!.progress as any;
    assert.equal(last.phase, 'scoring');
    assert.equal(last.num_molecules_scored, 6);
    assert.equal(last.library_size, 10);
    assert.deepEqual(last.rejection_summary, { duplicate_count: 1, filtered_count: 0, invalid_count: 1 });
    assert.equal(last.total_molecules_to_score, 6);
    for (const row of rows) {
      assert.match(row.external_id, /^m\d+$/);
      assert.deepEqual(Object.keys(row.metrics).sort(), ['binding_confidence', 'complex_iplddt', 'complex_plddt', 'iptm', 'optimization_score', 'ptm', 'structure_confidence']);
      assert.ok(readTarGz(out.files.read(row.artifacts.archive.file_id)).has('result/predicted_structure.cif'));
    }
  });

  it('a stopped run resumes in its folder: nothing scored twice, the budget exactly', async () => {
    const workRoot = scratch();
    const first = sink(1);
    await assert.rejects(engine(workRoot).run(exploreRun('sm_exp_b', 7), first, new AbortController().signal), RunInterrupted);
    const committed = first.batches.flatMap((b) => b.results).length;
    const second = sink();
    const outcome = await engine(workRoot).run(exploreRun('sm_exp_b', 7, { resultCount: committed, checkpoint: first.batches.at(-1)?.checkpoint ?? null }), second, new AbortController().signal);
    assert.deepEqual(outcome, { status: 'succeeded' });
    const smiles = [...first.batches, ...second.batches].flatMap((b) => b.results).map((r: any) => r.smiles);
    assert.equal(smiles.length, 7);
    assert.equal(new Set(smiles).size, 7);
  });

  it('a failing executable fails the run with its last error line, keeping what it produced', async () => {
    const dir = scratch();
    const broken = join(dir, 'broken.sh');
    writeFileSync(broken, '#!/bin/sh\n[ "$1" = --describe ] && { echo \'{"contract":1,"name":"broken","version":"0","families":[]}\'; exit 0; }\necho "ValueError: the target has no protein" >&2\nexit 3\n');
    chmodSync(broken, 0o755);
    const outcome = await createContractEngine({ kind: 'small_molecule_explore', executable: broken, workRoot: dir, pollMs: 50 }).run(exploreRun('sm_exp_c', 3), sink(), new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as any).error.message, /the target has no protein/);
  });
});
