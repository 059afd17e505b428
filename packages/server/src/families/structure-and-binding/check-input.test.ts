import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Chemistry, loadChemistry } from '@boltz/chemistry';
import type { ErrorDetails } from '../../errors.ts';
import { checkStructureAndBindingInput } from './check-input.ts';
import {
  STRUCTURE_AND_BINDING_EXAMPLES,
  barnaseBarstar,
  crambinWithTemplates,
  cyclicPhosphopeptide,
  glycosylatedFc,
  homeodomainOnDna,
  krasCovalentInhibitor,
  proteaseWithInhibitor,
} from './examples.ts';
import type { StructureAndBindingInput } from './input-schema.ts';

let chemistry: Chemistry;
before(async () => {
  chemistry = await loadChemistry();
});

/** A deep copy of a valid example with one change; `any` because mutations may be ill-typed on purpose. */
function mutated(example: StructureAndBindingInput, change: (input: any) => void): StructureAndBindingInput {
  const input = structuredClone(example);
  change(input);
  return input;
}

const check = (input: StructureAndBindingInput): ErrorDetails => checkStructureAndBindingInput(input, chemistry);

/** Asserts exactly these problem paths, and that each message matches its pattern. */
function assertProblems(input: StructureAndBindingInput, expected: Record<string, RegExp>): void {
  const details = check(input);
  assert.deepEqual(Object.keys(details).sort(), Object.keys(expected).sort(), JSON.stringify(details, null, 1));
  for (const [path, pattern] of Object.entries(expected)) assert.match(details[path], pattern, path);
}

describe('checkStructureAndBindingInput', () => {
  describe('valid requests', () => {
    for (const [name, example] of Object.entries(STRUCTURE_AND_BINDING_EXAMPLES)) {
      it(`accepts the ${name} example`, () => assert.deepEqual(check(example), {}));
    }

    it('accepts X in proteins, N in RNA and DNA, and CCD codes of the shipped component table', () => {
      const input = mutated(homeodomainOnDna, (i) => {
        i.entities[0].value = `X${i.entities[0].value.slice(1, -1)}X`;
        i.entities[1].value = 'GCTANNTAGC';
        i.entities[2].value = 'GGCGNUUCGG';
        i.entities[3].value = 'IMN';
      });
      assert.deepEqual(check(input), {});
    });

    it('refuses well-formed CCD codes that no component has, naming the code', () => {
      const input = mutated(homeodomainOnDna, (i) => (i.entities[3].value = 'XYZ1'));
      assertProblems(input, { 'input.entities[3].value': /"XYZ1" is not a known CCD component on this server/ });
    });

    it('accepts repeated identical sequences when their settings agree (the engine merges them)', () => {
      const input = mutated(barnaseBarstar, (i) => {
        i.entities.push({ ...structuredClone(i.entities[0]), chain_ids: ['C'] });
      });
      assert.deepEqual(check(input), {});
    });

    it('accepts custom MSAs mixed with empty ones', () => {
      const input = mutated(crambinWithTemplates, (i) => {
        i.entities.push({ type: 'protein', chain_ids: ['B'], value: 'MKTAYIAKQR', msa: { type: 'empty' } });
      });
      assert.deepEqual(check(input), {});
    });
  });

  describe('chain IDs', () => {
    it('rejects a chain ID used by two entities, at the second use', () => {
      assertProblems(mutated(homeodomainOnDna, (i) => (i.entities[3].chain_ids = ['M1', 'D'])), {
        'input.entities[3].chain_ids[1]': /repeats chain ID "D" of input\.entities\[1\]\.chain_ids\[1\]; chain IDs are unique across the request/,
      });
    });

    it('rejects a chain ID repeated within one entity', () => {
      assertProblems(mutated(homeodomainOnDna, (i) => (i.entities[1].chain_ids = ['C', 'C'])), {
        'input.entities[1].chain_ids[1]': /repeats chain ID "C"/,
      });
    });

    it('rejects chain IDs that are not 1–4 letters or digits', () => {
      assertProblems(mutated(homeodomainOnDna, (i) => (i.entities[3].chain_ids = ['M 1', 'METAL'])), {
        'input.entities[3].chain_ids[0]': /1–4 letters or digits/,
        'input.entities[3].chain_ids[1]': /1–4 letters or digits/,
      });
    });
  });

  describe('sequences', () => {
    it('rejects protein letters outside the 20 amino acids and X, naming them and their positions', () => {
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].value = 'GRKBRSGSWJ')), {
        'input.entities[0].value': /"B" at index 3, "J" at index 9.*X for an unknown residue/,
      });
    });

    it('names the first three wrong letters and counts the rest', () => {
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].value = `GRKS${'Z'.repeat(10)}`)), {
        'input.entities[0].value': /"Z" at index 4, "Z" at index 5, "Z" at index 6, … \(10 in all\)/,
      });
    });

    it('says so when a sequence is in lower case', () => {
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].value = 'grksrsgswg')), {
        'input.entities[0].value': /upper case/,
      });
    });

    it('rejects T in RNA and U in DNA', () => {
      assertProblems(
        mutated(homeodomainOnDna, (i) => {
          i.entities[1].value = 'GCUAAUUAGC';
          i.entities[2].value = 'GGCGCTTCGGCGCC';
        }),
        {
          'input.entities[1].value': /not DNA nucleotides: "U" at index 2.*A, C, G, T, or N/,
          'input.entities[2].value': /not RNA nucleotides: "T" at index 5.*A, C, G, U, or N/,
        },
      );
    });

    it('rejects a SMILES that RDKit cannot parse', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.entities[1].value = 'C1CC(')), {
        'input.entities[1].value': /not a SMILES that RDKit can parse/,
      });
    });

    it('rejects a SMILES too large to hand to RDKit safely, without calling it', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.entities[1].value = 'C'.repeat(600))), {
        'input.entities[1].value': /writes 600 atoms; a SMILES ligand has at most 500 atoms/,
      });
      assert.deepEqual(check(proteaseWithInhibitor), {});
    });

    it('rejects a malformed CCD code of a ligand', () => {
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.entities[1].value = 'gdp')), {
        'input.entities[1].value': /must be a CCD code/,
      });
    });
  });

  describe('modifications', () => {
    it('rejects a residue index beyond the sequence', () => {
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].modifications[1].residue_index = 10)), {
        'input.entities[0].modifications[1].residue_index': /is 10, but the sequence has 10 residues \(0-based indices 0–9\)/,
      });
    });

    it('rejects a SMILES given as a modification', () => {
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].modifications[0].value = 'OP(=O)(O)O')), {
        'input.entities[0].modifications[0].value': /CCD code.*SMILES modifications are not supported/,
      });
    });

    it('rejects two modifications of one residue', () => {
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].modifications[1].residue_index = 3)), {
        'input.entities[0].modifications[1].residue_index': /already modified by input\.entities\[0\]\.modifications\[0\]/,
      });
    });
  });

  describe('glycans', () => {
    it('rejects a repeated residue ID', () => {
      assertProblems(mutated(glycosylatedFc, (i) => (i.entities[1].residues[3].id = 'man3')), {
        'input.entities[1].residues[3].id': /repeats residue ID "man3"/,
        // The fucose is then gone, so its bond names no residue.
        'input.entities[1].bonds[2].atom1.residue_id': /names no residue of this glycan/,
      });
    });

    it('rejects a malformed CCD code of a residue', () => {
      assertProblems(mutated(glycosylatedFc, (i) => (i.entities[1].residues[2].ccd = 'beta-mannose')), {
        'input.entities[1].residues[2].ccd': /must be a CCD code/,
      });
    });

    it('rejects a bond to an undeclared residue', () => {
      assertProblems(mutated(glycosylatedFc, (i) => (i.entities[1].bonds[1].atom2.residue_id = 'nag9')), {
        'input.entities[1].bonds[1].atom2.residue_id': /names no residue of this glycan \(residues: nag1, nag2, man3, fuc\)/,
        'input.entities[1].bonds': /leave residue man3 unconnected/,
      });
    });

    it('rejects an atom that the residue CCD entry does not have', () => {
      assertProblems(mutated(glycosylatedFc, (i) => (i.entities[1].bonds[2].atom2.atom_id = 'O9')), {
        'input.entities[1].bonds[2].atom2.atom_id': /is not an atom of NAG; its heavy atoms are .*O6/,
      });
    });

    it('rejects a bond from a residue to itself', () => {
      assertProblems(mutated(glycosylatedFc, (i) => (i.entities[1].bonds[0].atom2 = { residue_id: 'nag2', atom_id: 'O4' })), {
        'input.entities[1].bonds[0]': /joins residue "nag2" to itself/,
        'input.entities[1].bonds': /leave residues nag2, man3 unconnected to "nag1"/,
      });
    });

    it('rejects residues that no bond connects', () => {
      assertProblems(mutated(glycosylatedFc, (i) => i.entities[1].bonds.pop()), {
        'input.entities[1].bonds': /leave residue fuc unconnected to "nag1"; a glycan is one connected graph/,
      });
    });
  });

  describe('MSAs', () => {
    it('rejects automatic MSAs mixed with custom ones, at each protein without one', () => {
      assertProblems(
        mutated(crambinWithTemplates, (i) => {
          i.entities.push({ type: 'protein', chain_ids: ['B'], value: 'MKTAYIAKQR' }, { type: 'protein', chain_ids: ['C'], value: 'GSHMAS' });
        }),
        {
          'input.entities[1].msa': /is missing, but input\.entities\[0\] has a custom MSA.*"empty"/,
          'input.entities[2].msa': /cannot be mixed/,
        },
      );
    });

    it('rejects a base64 MSA whose media type does not match its format', () => {
      assertProblems(mutated(crambinWithTemplates, (i) => (i.entities[0].msa.source.media_type = 'text/csv')), {
        'input.entities[0].msa.source.media_type': /must be text\/x-a3m for an MSA of format "a3m"/,
      });
    });

    it('rejects an MSA URL that is not http or https, and base64 that does not decode', () => {
      assertProblems(mutated(crambinWithTemplates, (i) => (i.entities[0].msa.source = { type: 'url', url: 'ftp://example.org/msa.a3m' })), {
        'input.entities[0].msa.source.url': /must be an http or https URL/,
      });
      assertProblems(mutated(crambinWithTemplates, (i) => (i.entities[0].msa.source.data = 'not base64!')), {
        'input.entities[0].msa.source.data': /is not valid base64/,
      });
    });

    it('rejects one sequence declared twice with different MSAs', () => {
      assertProblems(
        mutated(barnaseBarstar, (i) => {
          i.entities.push({ type: 'protein', chain_ids: ['C'], value: i.entities[0].value, msa: crambinWithTemplates.entities[0].type === 'protein' ? crambinWithTemplates.entities[0].msa : undefined });
        }),
        { 'input.entities[2].msa': /same protein sequence as input\.entities\[0\] with a different MSA.*chain_ids of one entity/ },
      );
    });

    it('rejects one sequence declared twice with different modifications or cyclic settings', () => {
      assertProblems(
        mutated(cyclicPhosphopeptide, (i) => {
          i.entities.push({ type: 'protein', chain_ids: ['Q'], value: i.entities[0].value, modifications: [{ type: 'ccd', residue_index: 3, value: 'SEP' }] });
        }),
        {
          'input.entities[1].modifications': /same protein sequence as input\.entities\[0\] with different modifications/,
          'input.entities[1].cyclic': /different cyclic setting/,
        },
      );
    });

    it('treats modifications as a set and MSA objects by content, not key order', () => {
      const input = mutated(crambinWithTemplates, (i) => {
        const msa = i.entities[0].msa;
        i.entities.push({ type: 'protein', chain_ids: ['B'], value: i.entities[0].value, msa: { source: msa.source, format: msa.format, type: 'custom' } });
      });
      assert.deepEqual(check(input), {});
      const peptides = mutated(cyclicPhosphopeptide, (i) => {
        i.entities.push({ ...structuredClone(i.entities[0]), chain_ids: ['Q'], modifications: [...i.entities[0].modifications].reverse() });
      });
      assert.deepEqual(check(peptides), {});
    });
  });

  describe('ligand–protein binding', () => {
    it('rejects a binder that names no chain', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.binding.binder_chain_id = 'Z')), {
        'input.binding.binder_chain_id': /names no chain of this request \(chains: A, B, L\)/,
      });
    });

    it('rejects a protein binder, pointing to protein_protein_binding', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.binding.binder_chain_id = 'A')), {
        'input.binding.binder_chain_id': /chain A is a protein \(input\.entities\[0\]\).*use protein_protein_binding/,
      });
    });

    it('rejects a binder with more than one copy', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.entities[1].chain_ids = ['L', 'K'])), {
        'input.binding.binder_chain_id': /one of 2 copies \(L, K\).*exactly one copy/,
      });
    });

    it('rejects a binder of more than 2048 heavy atoms', () => {
      // No SMILES this server accepts is that large (MAX_SMILES_ATOMS), so RDKit's count is replaced.
      const binder = proteaseWithInhibitor.entities[1].type === 'ligand_smiles' ? proteaseWithInhibitor.entities[1].value : '';
      const giantChemistry: Chemistry = { ...chemistry, heavyAtomCount: (smiles) => (smiles === binder ? 2049 : chemistry.heavyAtomCount(smiles)) };
      const details = checkStructureAndBindingInput(proteaseWithInhibitor, giantChemistry);
      assert.deepEqual(details, { 'input.binding.binder_chain_id': 'has 2049 heavy atoms; a ligand binder has at most 2048' });
    });

    it('rejects nucleic acids and glycans in the request', () => {
      assertProblems(
        mutated(proteaseWithInhibitor, (i) => {
          i.entities.push({ type: 'dna', chain_ids: ['D'], value: 'ACGT' }, structuredClone(glycosylatedFc.entities[1]));
        }),
        {
          'input.entities[2].type': /is "dna"; ligand_protein_binding is for requests of proteins and ligands only/,
          'input.entities[3].type': /is "glycan"/,
        },
      );
    });

    it('rejects a request without a protein target', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => i.entities.splice(0, 1) && delete i.constraints), {
        'input.binding': /needs a protein target for ligand_protein_binding/,
      });
    });
  });

  describe('protein–protein binding', () => {
    it('rejects binders that are not protein chains or name no chain', () => {
      assertProblems(
        mutated(barnaseBarstar, (i) => {
          i.entities.push({ type: 'ligand_ccd', chain_ids: ['L'], value: 'ATP' });
          i.binding.binder_chain_ids = ['L', 'Q'];
        }),
        {
          'input.binding.binder_chain_ids[0]': /chain L is a CCD ligand.*binders are protein chains/,
          'input.binding.binder_chain_ids[1]': /names no chain/,
        },
      );
    });

    it('rejects a binder listed twice', () => {
      assertProblems(mutated(barnaseBarstar, (i) => (i.binding.binder_chain_ids = ['B', 'B'])), {
        'input.binding.binder_chain_ids[1]': /repeats chain B/,
      });
    });

    it('rejects binders that leave no protein target', () => {
      assertProblems(mutated(barnaseBarstar, (i) => (i.binding.binder_chain_ids = ['A', 'B'])), {
        'input.binding.binder_chain_ids': /leave no protein chain as target/,
      });
    });
  });

  describe('bonds', () => {
    it('rejects unknown chains and chains of the wrong type for each kind of atom', () => {
      assertProblems(
        mutated(krasCovalentInhibitor, (i) => {
          i.bonds[0].atom1.chain_id = 'Q';
          i.bonds.push(
            { atom1: { type: 'polymer_atom', chain_id: 'L', residue_index: 0, atom_name: 'C1' }, atom2: { type: 'ccd_atom', chain_id: 'N', residue_id: 'r1', atom_id: 'PB' } },
            { atom1: { type: 'smiles_atom', chain_id: 'N', atom_map: 1 }, atom2: { type: 'ligand_atom', chain_id: 'A', atom_name: 'SG' } },
          );
        }),
        {
          'input.bonds[0].atom1.chain_id': /names no chain of this request \(chains: A, N, M, L\)/,
          'input.bonds[1].atom1.chain_id': /chain L is a SMILES ligand.*polymer_atom is on a protein, RNA or DNA chain/,
          'input.bonds[1].atom2.chain_id': /chain N is a CCD ligand.*ccd_atom is on a glycan chain \(use ligand_atom/,
          'input.bonds[2].atom1.chain_id': /chain N is a CCD ligand.*smiles_atom is on a SMILES ligand/,
          'input.bonds[2].atom2.chain_id': /chain A is a protein.*ligand_atom is on a CCD or SMILES ligand/,
        },
      );
    });

    it('rejects a polymer residue index beyond the chain', () => {
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.bonds[0].atom1.residue_index = 169)), {
        'input.bonds[0].atom1.residue_index': /is 169, but chain A has 169 residues \(0-based indices 0–168\)/,
      });
    });

    it('rejects an atom name that the residue does not have, using the modification when there is one', () => {
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.bonds[0].atom1.residue_index = 10)), {
        'input.bonds[0].atom1.atom_name': /is not an atom of ALA; its heavy atoms are N, CA, CB, C, O, OXT/,
      });
      const phosphoBond = (atomName: string) =>
        mutated(cyclicPhosphopeptide, (i) => {
          i.entities.push({ type: 'ligand_ccd', chain_ids: ['M'], value: 'MG' });
          i.bonds = [{ atom1: { type: 'polymer_atom', chain_id: 'P', residue_index: 3, atom_name: atomName }, atom2: { type: 'ligand_atom', chain_id: 'M', atom_name: 'MG' } }];
        });
      assert.deepEqual(check(phosphoBond('O1P')), {});
      assertProblems(phosphoBond('HG'), { 'input.bonds[0].atom1.atom_name': /is not an atom of SEP/ });
    });

    it('rejects glycan references to unknown residues and atoms', () => {
      assertProblems(mutated(glycosylatedFc, (i) => (i.bonds[0].atom2.residue_id = 'nag3')), {
        'input.bonds[0].atom2.residue_id': /names no residue of glycan chain G \(residues: nag1, nag2, man3, fuc\)/,
      });
      assertProblems(mutated(glycosylatedFc, (i) => (i.bonds[0].atom2.atom_id = 'C9')), {
        'input.bonds[0].atom2.atom_id': /is not an atom of NAG/,
      });
    });

    it('rejects a smiles_atom whose atom map is missing or repeated in the SMILES', () => {
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.bonds[0].atom2.atom_map = 7)), {
        'input.bonds[0].atom2.atom_map': /does not occur in the SMILES of chain L \(its atom maps: 1, 2, 3\)/,
      });
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.entities[3].value = '[CH2:1]=[CH:1]C(=O)N')), {
        'input.bonds[0].atom2.atom_map': /occurs 2 times/,
        'input.constraints[0].token1.atom_name': /matches no atom-map label.*\(labels: C1, C1\)/,
      });
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.entities[3].value = 'C=CC(=O)N')), {
        'input.bonds[0].atom2.atom_map': /it has no atom maps; write the atom as e\.g\. \[C:1\]/,
        'input.constraints[0].token1.atom_name': /its SMILES has no atom maps/,
      });
    });

    it('rejects a ligand_atom that the CCD ligand or the SMILES labels do not have', () => {
      const ligandBond = (chainId: string, atomName: string) =>
        mutated(krasCovalentInhibitor, (i) => (i.bonds[0].atom2 = { type: 'ligand_atom', chain_id: chainId, atom_name: atomName }));
      assert.deepEqual(check(ligandBond('L', 'C1')), {});
      assert.deepEqual(check(ligandBond('L', 'c1')), {});
      assert.deepEqual(check(ligandBond('N', 'O3B')), {});
      assertProblems(ligandBond('L', 'C7'), { 'input.bonds[0].atom2.atom_name': /matches no atom-map label of the SMILES of chain L \(labels: C1, C2, O3\)/ });
      assertProblems(ligandBond('N', 'PG'), { 'input.bonds[0].atom2.atom_name': /is not an atom of GDP/ });
      // Any listed code has its atom names checked.
      assertProblems(mutated(ligandBond('N', 'XX1'), (i) => (i.entities[1].value = 'IMN')), {
        'input.bonds[0].atom2.atom_name': /is not an atom of IMN/,
        'input.constraints[1].token1.atom_name': /is not an atom of IMN/,
      });
    });

    it('rejects a bond from an atom to itself and internal glycan bonds at request level', () => {
      assertProblems(mutated(krasCovalentInhibitor, (i) => (i.bonds[0].atom2 = { ...i.bonds[0].atom1 })), {
        'input.bonds[0]': /bonds an atom to itself/,
      });
      assertProblems(
        mutated(glycosylatedFc, (i) => {
          i.bonds.push({ atom1: { type: 'ccd_atom', chain_id: 'G', residue_id: 'man3', atom_id: 'O3' }, atom2: { type: 'ccd_atom', chain_id: 'G', residue_id: 'nag1', atom_id: 'O3' } });
        }),
        { 'input.bonds[1]': /joins two residues of glycan chain G; internal glycan bonds belong in input\.entities\[1\]\.bonds/ },
      );
    });
  });

  describe('constraints', () => {
    it('rejects a pocket whose binder or contact chains are unknown, the binder itself, or not polymers', () => {
      assertProblems(
        mutated(krasCovalentInhibitor, (i) => {
          i.constraints = [
            { type: 'pocket', binder_chain_id: 'X', contact_residues: { A: [11] }, max_distance_angstrom: 6 },
            { type: 'pocket', binder_chain_id: 'L', contact_residues: { L: [0], Z: [1], N: [0], 'A B': [1] }, max_distance_angstrom: 6 },
          ];
        }),
        {
          'input.constraints[0].binder_chain_id': /names no chain/,
          'input.constraints[1].contact_residues.L': /is the binder itself/,
          'input.constraints[1].contact_residues.Z': /names no chain/,
          'input.constraints[1].contact_residues.N': /chain N is a CCD ligand.*pocket residues are on protein, RNA or DNA chains/,
          'input.constraints[1].contact_residues["A B"]': /names no chain/,
        },
      );
    });

    it('rejects pocket residue indices beyond the chain', () => {
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.constraints[0].contact_residues.B = [24, 99, 120])), {
        'input.constraints[0].contact_residues.B[1]': /is 99, but chain B has 99 residues/,
        'input.constraints[0].contact_residues.B[2]': /is 120/,
      });
    });

    it('rejects contact tokens on unknown chains, wrong chain types, residues out of range and unknown atoms', () => {
      assertProblems(
        mutated(krasCovalentInhibitor, (i) => {
          i.constraints[0].token2.residue_index = 200;
          i.constraints[1].token1.atom_name = 'MG';
          i.constraints[1].token2 = { type: 'polymer_contact', chain_id: 'M', residue_index: 0 };
          i.constraints.push({ type: 'contact', token1: { type: 'ligand_contact', chain_id: 'A', atom_name: 'CA' }, token2: { type: 'ligand_contact', chain_id: 'W', atom_name: 'C1' }, max_distance_angstrom: 5 });
        }),
        {
          'input.constraints[0].token2.residue_index': /is 200, but chain A has 169 residues/,
          'input.constraints[1].token1.atom_name': /is not an atom of GDP/,
          'input.constraints[1].token2.chain_id': /chain M is a CCD ligand.*use ligand_contact for ligands/,
          'input.constraints[2].token1.chain_id': /chain A is a protein.*use polymer_contact for polymers/,
          'input.constraints[2].token2.chain_id': /names no chain/,
        },
      );
    });

    it('rejects a contact between a token and itself', () => {
      assertProblems(mutated(homeodomainOnDna, (i) => (i.constraints[0].token2 = { ...i.constraints[0].token1 })), {
        'input.constraints[0]': /token1 and token2 are the same/,
      });
    });
  });

  describe('templates', () => {
    it('rejects template chains that are unknown or not proteins', () => {
      assertProblems(
        mutated(crambinWithTemplates, (i) => {
          i.entities.push({ type: 'ligand_ccd', chain_ids: ['L'], value: 'ATP' });
          i.templates[0].template_chains = [{ input_chain_id: 'Z', template_chain_id: 'A' }];
          i.templates[1].template_chains = [{ input_chain_id: 'L', template_chain_id: 'B' }];
        }),
        {
          'input.templates[0].template_chains[0].input_chain_id': /names no chain/,
          'input.templates[1].template_chains[0].input_chain_id': /chain L is a CCD ligand.*templates guide protein chains only/,
        },
      );
    });

    it('rejects an input or template chain mapped twice within one template, but not across templates', () => {
      assertProblems(
        mutated(crambinWithTemplates, (i) => {
          i.entities[0].chain_ids = ['A', 'B'];
          i.templates[0].template_chains = [
            { input_chain_id: 'A', template_chain_id: 'A' },
            { input_chain_id: 'A', template_chain_id: 'B' },
            { input_chain_id: 'B', template_chain_id: 'A' },
          ];
        }),
        {
          'input.templates[0].template_chains[1].input_chain_id': /maps chain A again \(already in input\.templates\[0\]\.template_chains\[0\]\)/,
          'input.templates[0].template_chains[2].template_chain_id': /maps template chain A again/,
        },
      );
    });

    it('rejects template URLs that are not http or https and base64 that does not decode', () => {
      assertProblems(
        mutated(crambinWithTemplates, (i) => {
          i.templates[0].template_structure.data = 'Zm9v$';
          i.templates[1].template_structure.url = 'file:///etc/passwd';
        }),
        {
          'input.templates[0].template_structure.data': /is not valid base64/,
          'input.templates[1].template_structure.url': /must be an http or https URL/,
        },
      );
    });
  });

  describe('size', () => {
    it('accepts up to 5000 tokens and rejects more, counting every copy and ligand atom', () => {
      assert.deepEqual(check(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].value = 'G'.repeat(5000)))), {});
      assertProblems(mutated(cyclicPhosphopeptide, (i) => (i.entities[0].value = 'G'.repeat(5001))), {
        'input.entities': /add up to 5001 tokens .*; at most 5000 are accepted/,
      });
      // Two protease copies of 2500 residues plus darunavir's 38 heavy atoms.
      assertProblems(mutated(proteaseWithInhibitor, (i) => (i.entities[0].value = 'A'.repeat(2500))), {
        'input.entities': /add up to 5038 tokens/,
      });
    });

    it('answers an oversized request before parsing any SMILES', () => {
      let parsed = 0;
      const countingChemistry: Chemistry = { ...chemistry, heavyAtomCount: (smiles) => (parsed++, chemistry.heavyAtomCount(smiles)) };
      const ligands = Array.from({ length: 20 }, (_, k) => ({ type: 'ligand_smiles', chain_ids: [`L${k}`], value: 'C'.repeat(300) }));
      const details = checkStructureAndBindingInput(mutated(cyclicPhosphopeptide, (i) => i.entities.push(...ligands)), countingChemistry);
      assert.deepEqual(Object.keys(details), ['input.entities']);
      assert.match(details['input.entities'], /add up to 6010 tokens/);
      assert.equal(parsed, 0);
    });
  });

  it('reports every problem of a request at once', () => {
    const details = check(
      mutated(proteaseWithInhibitor, (i) => {
        i.entities[0].value = 'PQITLWQRPB';
        i.entities[1].chain_ids = ['A'];
        i.constraints[0].max_distance_angstrom = 6;
        i.constraints[0].contact_residues = { A: [50] };
      }),
    );
    assert.deepEqual(Object.keys(details).sort(), [
      'input.binding.binder_chain_id',
      'input.constraints[0].binder_chain_id',
      'input.constraints[0].contact_residues.A[0]',
      'input.entities[0].value',
      'input.entities[1].chain_ids[0]',
    ]);
  });
});
