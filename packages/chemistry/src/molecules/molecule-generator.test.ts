import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadChemistry } from '../index.ts';
import { loadRdkit } from '../rdkit-module.ts';
import { compileMoleculeFilters } from './molecule-filters.ts';
import { MoleculeGenerationError, generateDrugLikeMolecule } from './molecule-generator.ts';

const chemistry = await loadChemistry();
const rdkit = await loadRdkit();

function design(runId: string, count: number, filters = compileMoleculeFilters(rdkit, undefined, 'recommended')) {
  const taken = new Set<string>();
  return Array.from({ length: count }, (_, resultIndex) => {
    const molecule = generateDrugLikeMolecule({ chemistry, filters, runId, resultIndex, isTaken: (smiles) => taken.has(smiles) });
    taken.add(molecule.canonicalSmiles);
    return molecule;
  });
}

test('valid, drug-like, unique, deterministic per (run, index) and different between runs', () => {
  const molecules = design('sm_design_1', 40);
  for (const molecule of molecules) {
    assert.ok(molecule.heavyAtomCount >= 15 && molecule.heavyAtomCount <= 40, molecule.canonicalSmiles);
    assert.ok(molecule.descriptors.amw >= 250 && molecule.descriptors.amw <= 550, molecule.canonicalSmiles);
    assert.equal(chemistry.parseSmiles(molecule.canonicalSmiles)?.canonicalSmiles, molecule.canonicalSmiles);
  }
  assert.equal(new Set(molecules.map((m) => m.canonicalSmiles)).size, 40);
  assert.deepEqual(design('sm_design_1', 40).map((m) => m.canonicalSmiles), molecules.map((m) => m.canonicalSmiles));
  const other = design('sm_design_2', 40).map((m) => m.canonicalSmiles);
  assert.ok(other.filter((smiles) => molecules.some((m) => m.canonicalSmiles === smiles)).length < 10);
});

test('every molecule passes the run’s filters', () => {
  const molecule_filters = {
    boltz_smarts_catalog_filter_level: 'extra' as const,
    custom_filters: [
      { type: 'lipinski_filter' as const, max_mw: 400, max_logp: 4, max_hbd: 2, max_hba: 6 },
      { type: 'smiles_regex_filter' as const, patterns: ['F'] },
      { type: 'rdkit_descriptor_filter' as const, num_aromatic_rings: { max: 2 } },
    ],
  };
  const filters = compileMoleculeFilters(rdkit, molecule_filters, 'recommended');
  const check = compileMoleculeFilters(rdkit, molecule_filters, 'recommended');
  for (const molecule of design('sm_design_3', 20, filters)) {
    assert.equal(check.evaluate(molecule.canonicalSmiles).outcome, 'accepted', molecule.canonicalSmiles);
    assert.ok(!molecule.canonicalSmiles.includes('F'));
  }
});

test('filters nothing can pass end in a clear error after the bounded attempts', () => {
  const filters = compileMoleculeFilters(rdkit, { custom_filters: [{ type: 'rdkit_descriptor_filter', mol_wt: { max: 100 } }] }, 'disabled');
  assert.throws(
    () => generateDrugLikeMolecule({ chemistry, filters, runId: 'sm_design_4', resultIndex: 0, isTaken: () => false, maxAttempts: 50 }),
    (error: unknown) => error instanceof MoleculeGenerationError && /no molecule after 50 candidates \(50 filtered, .*, 0 invalid\)/.test(error.message),
  );
});
