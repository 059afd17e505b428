import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Chemistry, loadChemistry } from '@boltz/chemistry';
import { cyclicPhosphopeptide, glycosylatedFc, homeodomainOnDna, krasCovalentInhibitor, proteaseWithInhibitor } from './examples.ts';
import { UNLISTED_CCD_HEAVY_ATOMS, structureTokens } from './tokens.ts';

describe('structureTokens', () => {
  let chemistry: Chemistry;
  before(async () => {
    chemistry = await loadChemistry();
  });

  it('counts polymer residues over all copies plus SMILES heavy atoms', () => {
    // Two 99-residue protease chains + darunavir (C27H37N3O7S: 38 heavy atoms).
    assert.equal(structureTokens(proteaseWithInhibitor, chemistry), 2 * 99 + 38);
  });

  it('counts CCD ligands by their CCD heavy atoms, per copy', () => {
    // 59-residue homeodomain, two 10-nt DNA strands, 14-nt RNA (a modified residue is still one token), two Mg²⁺.
    assert.equal(structureTokens(homeodomainOnDna, chemistry), 59 + 2 * 10 + 14 + 2 * 1);
    // KRAS 169 residues + GDP (28) + Mg (1) + the inhibitor's heavy atoms.
    const inhibitor = krasCovalentInhibitor.entities[3].type === 'ligand_smiles' ? krasCovalentInhibitor.entities[3].value : '';
    assert.equal(structureTokens(krasCovalentInhibitor, chemistry), 169 + 28 + 1 + chemistry.heavyAtomCount(inhibitor)!);
  });

  it('counts glycans as the heavy atoms of their residues, per copy', () => {
    // 48-residue Fc + NAG (15) × 2 + BMA (12) + FUC (11).
    assert.equal(structureTokens(glycosylatedFc, chemistry), 48 + 15 * 2 + 12 + 11);
    const twoCopies = structuredClone(glycosylatedFc);
    twoCopies.entities[1].chain_ids = ['G', 'H'];
    assert.equal(structureTokens(twoCopies, chemistry), 48 + 2 * (15 * 2 + 12 + 11));
  });

  it('counts a CCD code outside the embedded table as the documented default', () => {
    const input = structuredClone(cyclicPhosphopeptide);
    input.entities.push({ type: 'ligand_ccd', chain_ids: ['X1', 'X2'], value: 'Q7Z' });
    assert.equal(structureTokens(input, chemistry), 10 + 2 * UNLISTED_CCD_HEAVY_ATOMS);
  });
});
