import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Chemistry, MAX_SMILES_ATOMS, loadChemistry, smilesAtomCount, smilesHeavyAtomCount } from './index.ts';

describe('smilesAtomCount', () => {
  it('counts organic-subset, aromatic, two-letter and bracket atoms, not bonds, rings or charges', () => {
    assert.equal(smilesAtomCount('CC(=O)Oc1ccccc1C(=O)O'), 13);
    assert.equal(smilesAtomCount('ClCBr'), 3);
    assert.equal(smilesAtomCount('[13CH3:7][N+](C)(C)C.[Cl-]'), 6);
    assert.equal(smilesAtomCount('[H]C([H])([H])O'), 5);
    assert.equal(smilesAtomCount('C%12CCCCC%12'), 6);
    assert.equal(smilesAtomCount('[se]1cccc1'), 5);
    assert.equal(smilesAtomCount(''), 0);
  });
});

describe('RDKit size guard and heavyAtomCount', () => {
  let chemistry: Chemistry;
  before(async () => {
    chemistry = await loadChemistry();
  });

  it('agrees with parseSmiles and with the text count on heavy atoms, explicit hydrogens excluded', () => {
    const molecules = ['CC(=O)Oc1ccccc1C(=O)O', '[H]C([H])([H])O', '[2H]OC([2H])=O', '[Na+].[Cl-]', 'c1ccncc1', '[Hg+2].[H-]', 'Cl[Pt](Cl)([NH3])[NH3]'];
    for (const smiles of molecules) {
      assert.equal(chemistry.heavyAtomCount(smiles), chemistry.parseSmiles(smiles)!.heavyAtomCount, smiles);
      assert.equal(smilesHeavyAtomCount(smiles), chemistry.heavyAtomCount(smiles), smiles);
    }
    assert.equal(chemistry.heavyAtomCount('[H]C([H])([H])O'), 2);
  });

  it('answers null where parseSmiles does', () => {
    for (const smiles of ['', '   ', 'C1CC(', 'c1cccc1', 'not a smiles']) {
      assert.equal(chemistry.heavyAtomCount(smiles), null, smiles);
      assert.equal(chemistry.parseSmiles(smiles), null, smiles);
    }
  });

  it('parses a chain at the cap and refuses longer ones without breaking RDKit', () => {
    assert.equal(chemistry.heavyAtomCount('C'.repeat(MAX_SMILES_ATOMS)), MAX_SMILES_ATOMS);
    assert.equal(chemistry.heavyAtomCount('C'.repeat(MAX_SMILES_ATOMS + 1)), null);
    // 5000 atoms would overflow RDKit's WebAssembly stack and leave the module unusable.
    assert.equal(chemistry.parseSmiles('C'.repeat(5000)), null);
    assert.equal(chemistry.parseSmiles('CCO')!.heavyAtomCount, 3);
  });
});
