import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryResultFiles, createSyntheticEngine, SAMPLE_METRIC_KEYS, type PredictionJob } from '../src/index.ts';
import { distance, readAtomSites, readNpz, readTarGz } from './helpers.ts';

/** Literal JSON inputs, as the server's request schema would have let them through. */
function job(input: unknown): PredictionJob<'structure_and_binding'> {
  return { id: 'sab_pred_test', kind: 'structure_and_binding', livemode: false, input: input as PredictionJob<'structure_and_binding'>['input'], inputFiles: new Map(), workDir: '/nonexistent' };
}

async function predict(input: unknown) {
  const files = createMemoryResultFiles();
  const outcome = await createSyntheticEngine().run(job(input), files, new AbortController().signal);
  assert.equal(outcome.status, 'succeeded');
  assert.equal(outcome.version, 'synthetic-1');
  const output = (outcome as { output: any }).output;
  return { output, files, cif: (i: number) => files.read(output.all_sample_results[i].structure.file_id).toString() };
}

const complexInput = {
  entities: [
    { type: 'protein', chain_ids: ['A', 'B'], value: 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ', modifications: [{ type: 'ccd', residue_index: 4, value: 'SEP' }] },
    { type: 'dna', chain_ids: ['D'], value: 'ACGTN' },
    { type: 'rna', chain_ids: ['ON'], value: 'ACGUN' },
    { type: 'ligand_smiles', chain_ids: ['L'], value: 'CC(=O)Oc1ccccc1C(=O)O' },
    { type: 'ligand_ccd', chain_ids: ['M', 'N'], value: 'SAH' },
    {
      type: 'glycan',
      chain_ids: ['G'],
      residues: [{ id: 'branch', ccd: 'MAN' }, { id: 'root', ccd: 'NAG' }],
      bonds: [{ atom1: { residue_id: 'root', atom_id: 'O4' }, atom2: { residue_id: 'branch', atom_id: 'C1' } }],
    },
  ],
  num_samples: 3,
};

describe('synthetic engine: structure and binding', () => {
  it('is deterministic: the same input (in any key order) gives byte-identical files and metrics', async () => {
    const first = await predict(complexInput);
    const reordered = JSON.parse(JSON.stringify({ num_samples: 3, entities: complexInput.entities }));
    const second = await predict(reordered);
    assert.deepEqual(second.output, first.output);
    for (const [id, file] of first.files.files) assert.ok(second.files.read(id).equals(file.data), `${file.filename} differs`);
    const other = await predict({ ...complexInput, num_samples: 2, entities: complexInput.entities.slice(0, 1) });
    assert.notDeepEqual(other.output.best_sample.metrics, first.output.best_sample.metrics);
  });

  it('writes every chain of every entity copy with Boltz residue names', async () => {
    const { cif } = await predict(complexInput);
    const sites = readAtomSites(cif(0));
    const residuesOf = (chain: string) => [...new Map(sites.filter((s) => s.chainId === chain).map((s) => [s.authSeqId, s.residueName])).values()];
    assert.deepEqual([...new Set(sites.map((s) => s.chainId))], ['A', 'B', 'D', 'ON', 'L', 'M', 'N', 'G']);
    assert.deepEqual(residuesOf('A').slice(0, 6), ['MET', 'LYS', 'THR', 'ALA', 'SEP', 'ILE']);
    assert.deepEqual(residuesOf('D'), ['DA', 'DC', 'DG', 'DT', 'DN']);
    assert.deepEqual(residuesOf('ON'), ['A', 'C', 'G', 'U', 'N']);
    assert.deepEqual(residuesOf('L'), ['LIG']);
    assert.deepEqual(residuesOf('M'), ['SAH']);
    // Bond-graph order from the reducing end (the NAG whose C1 is free).
    assert.deepEqual(residuesOf('G'), ['NAG', 'MAN']);
    // Aspirin has 13 heavy atoms; SAH 26 in the CCD.
    assert.equal(sites.filter((s) => s.chainId === 'L').length, 13);
    assert.equal(sites.filter((s) => s.chainId === 'M').length, 26);
    assert.ok(sites.filter((s) => s.chainId === 'M').some((s) => s.atomName === 'SD' && s.element === 'S'));
    // Modified residues and ligands are HETATM; polymer label_seq_id is numeric, ligands '.'.
    assert.ok(sites.filter((s) => s.residueName === 'SEP').every((s) => s.group === 'HETATM'));
    assert.ok(sites.filter((s) => s.chainId === 'L').every((s) => s.group === 'HETATM' && s.seqId === '.'));
    assert.ok(sites.filter((s) => s.chainId === 'A').every((s) => /^\d+$/.test(s.seqId)));
  });

  it('uses real geometry: ideal peptide bonds, B-form nucleic acids, ligands in contact', async () => {
    const { cif } = await predict(complexInput);
    const sites = readAtomSites(cif(0));
    const atom = (chain: string, residue: number, name: string) => sites.find((s) => s.chainId === chain && s.authSeqId === residue && s.atomName === name)!;
    for (let r = 1; r < 33; r++) {
      assert.ok(Math.abs(distance(atom('A', r, 'CA'), atom('A', r + 1, 'CA')) - 3.8) < 0.05, 'CA–CA 3.8 Å');
      assert.ok(Math.abs(distance(atom('A', r, 'N'), atom('A', r, 'CA')) - 1.458) < 0.01, 'N–CA');
      assert.ok(Math.abs(distance(atom('A', r, 'C'), atom('A', r + 1, 'N')) - 1.329) < 0.01, 'peptide bond');
    }
    for (let r = 1; r < 5; r++) assert.ok(Math.abs(distance(atom('D', r, "O3'"), atom('D', r + 1, 'P')) - 1.6) < 0.1, "O3'–P");
    assert.ok(atom('ON', 1, "O2'"), "RNA residues carry O2'");
    assert.equal(atom('D', 1, "O2'"), undefined);
    // Every ligand touches a polymer (≥ 4 atoms within 4 Å, or all of a smaller one) and clashes with none.
    const polymer = sites.filter((s) => ['A', 'B', 'D', 'ON'].includes(s.chainId));
    for (const chain of ['L', 'M', 'N']) {
      const ligand = sites.filter((s) => s.chainId === chain);
      const nearest = ligand.map((l) => Math.min(...polymer.map((p) => distance(p, l))));
      assert.ok(Math.min(...nearest) > 2, `chain ${chain} clashes`);
      assert.ok(nearest.filter((d) => d <= 4).length >= Math.min(4, ligand.length), `chain ${chain}: ${nearest.filter((d) => d <= 4).length} atoms in contact`);
    }
  });

  it('reports all nine metrics within range, consistent with the B-factors, best sample first', async () => {
    const { output, cif } = await predict(complexInput);
    assert.equal(output.all_sample_results.length, 3);
    assert.deepEqual(output.best_sample, output.all_sample_results[0]);
    const confidences = output.all_sample_results.map((s: any) => s.metrics.structure_confidence);
    assert.deepEqual(confidences, [...confidences].sort((a, b) => b - a));
    output.all_sample_results.forEach((sample: any, i: number) => {
      assert.equal(sample.structure.filename, `sample_${i}_predicted_structure.cif`);
      assert.equal(sample.structure.media_type, 'chemical/x-cif');
      const m = sample.metrics;
      assert.deepEqual(Object.keys(m), [...SAMPLE_METRIC_KEYS]);
      for (const key of SAMPLE_METRIC_KEYS.filter((k) => !k.includes('pde'))) assert.ok(m[key] > 0 && m[key] <= 1, `${key} = ${m[key]}`);
      assert.ok(m.complex_pde > 0 && m.complex_pde < 32);
      assert.ok(Math.abs(m.structure_confidence - (4 * m.complex_plddt + m.iptm) / 5) < 1e-3);
      // B-factor = pLDDT × 100; complex_plddt is the token mean (one token per polymer residue,
      // one per ligand/glycan atom).
      const sites = readAtomSites(cif(i));
      const tokens = new Map<string, number>();
      sites.forEach((s, n) => tokens.set(s.seqId === '.' ? `atom ${n}` : `${s.chainId}:${s.authSeqId}`, s.bFactor));
      const mean = [...tokens.values()].reduce((a, b) => a + b, 0) / tokens.size / 100;
      assert.ok(Math.abs(mean - m.complex_plddt) < 1e-3, `${mean} vs ${m.complex_plddt}`);
    });
    assert.equal(output.binding_metrics, undefined);
  });

  it('gives 0 for interface metrics without an interface of their kind', async () => {
    const { output } = await predict({ entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISFVKSHFSRQ' }] });
    const m = output.best_sample.metrics;
    assert.deepEqual([m.iptm, m.ligand_iptm, m.protein_iptm, m.complex_iplddt, m.complex_ipde], [0, 0, 0, 0, 0]);
    assert.ok(Math.abs(m.structure_confidence - (4 * m.complex_plddt + m.ptm) / 5) < 1e-3);
    const withLigand = await predict({
      entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQ' }, { type: 'ligand_ccd', chain_ids: ['L'], value: 'ATP' }],
    });
    assert.ok(withLigand.output.best_sample.metrics.ligand_iptm > 0);
    assert.equal(withLigand.output.best_sample.metrics.protein_iptm, 0);
  });

  it('adds binding metrics exactly when binding is requested', async () => {
    const ligand = await predict({
      entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISF' }, { type: 'ligand_smiles', chain_ids: ['L'], value: 'CCO' }],
      binding: { type: 'ligand_protein_binding', binder_chain_id: 'L' },
    });
    const lb = ligand.output.binding_metrics;
    assert.equal(lb.type, 'ligand_protein_binding_metrics');
    assert.ok(lb.binding_confidence >= 0 && lb.binding_confidence <= 1);
    assert.ok(lb.optimization_score > 2 && lb.optimization_score < 10);
    const protein = await predict({
      entities: [{ type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQISF' }, { type: 'protein', chain_ids: ['B'], value: 'GSHMLEDPVDA' }],
      binding: { type: 'protein_protein_binding', binder_chain_ids: ['B'] },
    });
    assert.deepEqual(Object.keys(protein.output.binding_metrics), ['type', 'binding_confidence']);
    assert.equal(protein.output.binding_metrics.type, 'protein_protein_binding_metrics');
  });

  it('stores archive.tar.gz with metrics.json, the structures and real npz PAE arrays', async () => {
    const { output, files, cif } = await predict({ ...complexInput, binding: { type: 'ligand_protein_binding', binder_chain_id: 'L' } });
    assert.equal(output.archive.filename, 'archive.tar.gz');
    const entries = readTarGz(files.read(output.archive.file_id));
    assert.deepEqual([...entries.keys()], [
      'prediction/metrics.json',
      'prediction/sample_0_predicted_structure.cif', 'prediction/sample_0_pae.npz',
      'prediction/sample_1_predicted_structure.cif', 'prediction/sample_1_pae.npz',
      'prediction/sample_2_predicted_structure.cif', 'prediction/sample_2_pae.npz',
    ]);
    const metrics = JSON.parse(entries.get('prediction/metrics.json')!.toString());
    assert.deepEqual(metrics, {
      best_sample: { metrics: output.best_sample.metrics },
      all_sample_results: output.all_sample_results.map((s: any) => ({ metrics: s.metrics })),
      binding_metrics: output.binding_metrics,
    });
    assert.equal(entries.get('prediction/sample_1_predicted_structure.cif')!.toString(), cif(1));
    const pae = readNpz(entries.get('prediction/sample_0_pae.npz')!).get('pae')!;
    // Tokens: 2×33 protein + 5 DNA + 5 RNA residues, 13 aspirin atoms, 2×26 SAH atoms, NAG 15 +
    // MAN 12 less the hydroxyl oxygen its glycosidic bond replaces.
    const tokens = 66 + 5 + 5 + 13 + 52 + 15 + 11;
    assert.equal(pae.descr, '<f4');
    assert.deepEqual(pae.shape, [tokens, tokens]);
    assert.ok(pae.values.every((v) => v >= 0.25 && v <= 31.75));
  });

  it('waits runningMs, and stops with timeout when aborted', async () => {
    const engine = createSyntheticEngine({ runningMs: 60_000 });
    assert.ok(engine.supports('structure_and_binding') && engine.supports('adme'));
    const controller = new AbortController();
    const running = engine.run(job(complexInput), createMemoryResultFiles(), controller.signal);
    controller.abort();
    const outcome = await running;
    assert.equal(outcome.status, 'failed');
    assert.equal((outcome as any).error.code, 'timeout');
  });
});
