import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadChemistry } from '@boltz/chemistry';
import { admeFromDescriptors, createMemoryResultFiles, createSyntheticEngine } from '../src/index.ts';

async function predictAdme(molecules: Array<{ smiles: string; id?: string }>) {
  const outcome = await createSyntheticEngine().run(
    { id: 'adme_pred_test', kind: 'adme', livemode: false, input: { molecules }, inputFiles: new Map(), workDir: '/nonexistent' },
    createMemoryResultFiles(),
    new AbortController().signal,
  );
  assert.equal(outcome.status, 'succeeded');
  return (outcome as any).output.molecules as any[];
}

describe('synthetic engine: ADME', () => {
  it('answers one row per molecule in request order, failing only the invalid ones', async () => {
    const rows = await predictAdme([
      { smiles: 'CC(=O)Oc1ccccc1C(=O)O', id: 'aspirin' },
      { smiles: 'not a smiles', id: 'broken' },
      { smiles: 'CCO' },
    ]);
    assert.deepEqual(rows.map((r) => [r.status, r.smiles, r.external_id]), [
      ['succeeded', 'CC(=O)Oc1ccccc1C(=O)O', 'aspirin'],
      ['failed', 'not a smiles', 'broken'],
      ['succeeded', 'CCO', undefined],
    ]);
    assert.ok(!('external_id' in rows[2]));
    for (const row of rows) assert.match(row.id, /^adme_mol_[0-9A-Za-z]{20}$/);
    assert.equal(new Set(rows.map((r) => r.id)).size, 3);
    assert.deepEqual(rows[1].adme, null);
    assert.deepEqual(rows[1].error, { code: 'adme_enumeration_failed', message: 'Invalid SMILES' });
    assert.equal(rows[0].error, null);
    assert.deepEqual(Object.keys(rows[0].adme), ['lipophilicity', 'permeability', 'solubility']);
  });

  it('derives values deterministically from RDKit descriptors (documented formulas)', async () => {
    const first = await predictAdme([{ smiles: 'CC(=O)Oc1ccccc1C(=O)O' }, { smiles: 'CCCCCCCCCCCCCCCCCCCCc1ccc2ccccc2c1' }]);
    const second = await predictAdme([{ smiles: 'CC(=O)Oc1ccccc1C(=O)O' }, { smiles: 'CCCCCCCCCCCCCCCCCCCCc1ccc2ccccc2c1' }]);
    assert.deepEqual(first.map((r) => r.adme), second.map((r) => r.adme));

    const chemistry = await loadChemistry();
    const aspirin = chemistry.parseSmiles('CC(=O)Oc1ccccc1C(=O)O')!;
    const { CrippenClogP: clogp, tpsa, exactmw: mw } = aspirin.descriptors;
    const expected = admeFromDescriptors(aspirin);
    assert.ok(Math.abs(expected.lipophilicity - (clogp - 0.01 * (tpsa - 40))) < 1e-3);
    assert.ok(Math.abs(expected.permeability - (1.6 - 0.016 * tpsa)) < 1e-3);
    assert.ok(mw < 300);
    assert.deepEqual(first[0].adme, expected);
    // Aspirin is soluble; a C20-alkyl naphthalene is not.
    assert.equal(first[0].adme.solubility, 'high-confidence');
    assert.equal(first[1].adme.solubility, 'high-risk');
    assert.ok(first[1].adme.lipophilicity > first[0].adme.lipophilicity);
  });
});
