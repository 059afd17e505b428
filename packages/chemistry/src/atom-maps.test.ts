import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smilesAtomMaps } from './index.ts';

describe('smilesAtomMaps', () => {
  it('reads atom maps of bracket atoms in order, with their request labels', () => {
    assert.deepEqual(smilesAtomMaps('[CH2:1]=[CH:2]C(=O)N[c:10]1ccccc1[OH:3]'), [
      { atomMap: 1, symbol: 'C', label: 'C1' },
      { atomMap: 2, symbol: 'C', label: 'C2' },
      { atomMap: 10, symbol: 'c', label: 'C10' },
      { atomMap: 3, symbol: 'O', label: 'O3' },
    ]);
  });

  it('handles isotopes, charges, chirality, two-letter and aromatic two-letter elements', () => {
    assert.deepEqual(
      smilesAtomMaps('[13CH3:5][C@@H:7](N)[Cl-:12].[se:2]1cccc1.[Na+]').map((atom) => atom.label),
      ['C5', 'C7', 'CL12', 'SE2'],
    );
  });

  it('ignores unmapped atoms, and finds none in plain SMILES', () => {
    assert.deepEqual(smilesAtomMaps('CC(=O)Oc1ccccc1C(=O)O'), []);
    assert.deepEqual(smilesAtomMaps('[NH4+].[Cl-]'), []);
  });
});
