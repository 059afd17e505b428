import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadChemistry } from '@boltz/chemistry';
import { synthesizeComplex, type ComplexSpec } from '../src/index.ts';
import { foldProtein } from '../src/synthetic/protein-fold.ts';
import { seededRandom } from '../src/synthetic/random.ts';
import { distance, readAtomSites } from './helpers.ts';
import { oracle } from './structure-oracle.ts';

/**
 * The synthetic engine's structures judged by independent tools: gemmi reads the mmCIF, RDKit
 * is the chemistry reference (./structure-oracle.py, Debian's python3-gemmi and python3-rdkit).
 */
// Amino-acid composition of UniProt, for sequences that look like proteins.
const COMPOSITION = 'AAAAAAAAALLLLLLLLLLGGGGGGGVVVVVVVEEEEEEESSSSSSSIIIIIIKKKKKKRRRRRDDDDDTTTTTPPPPPNNNNQQQQFFFFYYYMMHHCW';
function sequence(length: number, seed: string): string {
  const random = seededRandom('sequence', seed);
  return Array.from({ length }, () => COMPOSITION[Math.floor(random.next() * COMPOSITION.length)]).join('');
}

const chemistry = await loadChemistry();
const rgTarget = (residues: number) => 2.2 * residues ** 0.38;

describe('synthetic structures (checked with gemmi and RDKit)', () => {
  it('folds proteins of 50–2,000 residues into compact, complete, connected, clash-free globules', () => {
    const sizes = [50, 150, 400, 1000, 2000];
    const complexes = sizes.map((n) => synthesizeComplex({ entities: [{ type: 'protein', chainIds: ['A'], sequence: sequence(n, String(n)) }] }, `fold ${n}`, chemistry));
    const reports = oracle(complexes.map((c) => ({ cif: c.cif })));
    reports.forEach((report, k) => {
      const n = sizes[k];
      const chain = report.chains.A;
      assert.equal(chain.residues, n);
      for (const rg of [chain.rg_ca, chain.rg_all]) {
        const ratio = rg / rgTarget(n);
        assert.ok(ratio >= 0.75 && ratio <= 1.35, `${n} residues: radius of gyration ${rg.toFixed(1)} Å is ${ratio.toFixed(2)}× 2.2·N^0.38`);
      }
      assert.deepEqual(report.missing_atoms, [], `${n} residues: every heavy atom of every residue`);
      assert.ok(chain.cn_min >= 1.2 && chain.cn_max <= 1.5, `${n} residues: C–N ${chain.cn_min.toFixed(2)}–${chain.cn_max.toFixed(2)} Å`);
      assert.ok(report.clashes / report.heavy_atoms < 0.01, `${n} residues: ${report.clashes} close pairs among ${report.heavy_atoms} atoms: ${report.clash_examples?.slice(0, 5)}`);
      assert.ok(chain.plddt_loop < chain.plddt_regular, `${n} residues: pLDDT lower in loops`);
      assert.ok(chain.plddt_termini < chain.plddt_core, `${n} residues: pLDDT lower at the termini`);
    });
  });

  it('builds SMILES ligands with correct bond lengths and stereochemistry, CCD ligands from their ideal geometry, in contact without clashes', () => {
    const smiles = {
      L: 'CN1CCN(Cc2ccc(cc2)C(=O)Nc2ccc(C)c(Nc3nccc(n3)-c3cccnc3)c2)CC1', // imatinib
      S: 'CC(C)(C)OC(=O)N[C@@H](Cc1ccccc1)C(=O)O', // Boc-phenylalanine
      G: 'OC[C@H]1O[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O', // β-D-glucose
    };
    const ccd = { M: 'ATP', H: 'HEM' };
    const spec: ComplexSpec = {
      entities: [
        { type: 'protein', chainIds: ['A'], sequence: sequence(260, 'kinase-like') },
        ...Object.entries(smiles).map(([id, value]) => ({ type: 'ligand' as const, chainIds: [id], smiles: value })),
        ...Object.entries(ccd).map(([id, value]) => ({ type: 'ligand' as const, chainIds: [id], ccd: value })),
      ],
    };
    const [report] = oracle([{ cif: synthesizeComplex(spec, 'ligands', chemistry).cif, smiles, ccd }]);
    for (const [chain, ligand] of Object.entries(report.ligands)) {
      assert.ok(ligand.worst_bond_deviation <= 0.2, `${chain}: a bond ${ligand.worst_bond_deviation.toFixed(2)} Å off the reference`);
      if (chain in smiles) assert.equal(ligand.stereo, true, `${chain}: stereochemistry as written in the SMILES`);
      assert.ok(ligand.contacts >= 4, `${chain}: ${ligand.contacts} heavy atoms within 4 Å of the protein`);
      assert.ok(ligand.closest > 2, `${chain}: closest approach ${ligand.closest.toFixed(2)} Å`);
    }
    assert.ok(report.clashes / report.heavy_atoms < 0.01);
  });

  it('pairs complementary DNA strands as a B-form duplex with every heavy atom, and packs chains against each other', () => {
    const complex = synthesizeComplex(
      {
        entities: [
          { type: 'protein', chainIds: ['A'], sequence: sequence(120, 'binder') },
          { type: 'protein', chainIds: ['B'], sequence: sequence(90, 'partner') },
          { type: 'dna', chainIds: ['C'], sequence: 'GCGATCGATCGC' },
          { type: 'dna', chainIds: ['D'], sequence: 'GCGATCGATCGC' },
          { type: 'rna', chainIds: ['R'], sequence: 'GGACUAGUCC' },
        ],
      },
      'duplex',
      chemistry,
    );
    const [report] = oracle([{ cif: complex.cif }]);
    assert.deepEqual(report.missing_atoms, []);
    assert.ok(report.clashes / report.heavy_atoms < 0.01, `${report.clashes} close pairs: ${report.clash_examples?.slice(0, 5)}`);
    // Watson–Crick pairs: N1 of each purine ≈ 2.9 Å from N3 of its partner pyrimidine.
    const sites = readAtomSites(complex.cif);
    const atom = (chain: string, residue: number, name: string) => sites.find((s) => s.chainId === chain && s.authSeqId === residue && s.atomName === name)!;
    for (let i = 1; i <= 12; i++) {
      const [first, second] = [atom('C', i, 'N1'), atom('D', 13 - i, 'N3')];
      const purine = ['DG', 'DA'].includes(first.residueName);
      const hydrogenBond = purine ? distance(first, second) : distance(atom('C', i, 'N3'), atom('D', 13 - i, 'N1'));
      assert.ok(hydrogenBond > 2.5 && hydrogenBond < 3.3, `pair ${i}: ${hydrogenBond.toFixed(2)} Å`);
    }
    // The two proteins touch: an interface, not a gap.
    const a = complex.chains.findIndex((c) => c.id === 'A');
    const b = complex.chains.findIndex((c) => c.id === 'B');
    assert.ok(complex.confidence.pairContacts[a][b] > 10, `${complex.confidence.pairContacts[a][b]} atom pairs in the A–B interface`);
  });

  it('puts a ligand in the pocket a request names, and two chains in the contact it names', () => {
    const protein = sequence(180, 'pocket');
    const complex = synthesizeComplex(
      {
        entities: [
          { type: 'protein', chainIds: ['A'], sequence: protein },
          { type: 'protein', chainIds: ['B'], sequence: sequence(60, 'peptide') },
          { type: 'ligand', chainIds: ['L'], smiles: 'CC(=O)Oc1ccccc1C(=O)O' },
        ],
        pockets: [{ binder: 'L', residues: [{ chain: 'A', residue: 150 }, { chain: 'A', residue: 151 }], maxDistance: 6 }],
        contacts: [{ first: { chain: 'A', residue: 20 }, second: { chain: 'B', residue: 30 }, maxDistance: 8 }],
      },
      'hints',
      chemistry,
    );
    assert.deepEqual(complex.constraintsMet, [true, true]);
    const sites = readAtomSites(complex.cif);
    const ligand = sites.filter((s) => s.chainId === 'L');
    const pocket = sites.filter((s) => s.chainId === 'A' && (s.authSeqId === 151 || s.authSeqId === 152));
    assert.ok(Math.min(...ligand.flatMap((l) => pocket.map((p) => distance(l, p)))) <= 6);
  });

  it('is deterministic for the same description and seed, and differs for another seed', () => {
    const spec: ComplexSpec = { entities: [{ type: 'protein', chainIds: ['A'], sequence: sequence(80, 'same') }, { type: 'ligand', chainIds: ['L'], ccd: 'ATP' }] };
    const first = synthesizeComplex(spec, 'seed', chemistry);
    const again = synthesizeComplex(structuredClone(spec), 'seed', chemistry);
    assert.equal(again.cif, first.cif);
    assert.deepEqual(again.confidence.metrics, first.confidence.metrics);
    assert.deepEqual(Array.from(again.pae.values), Array.from(first.pae.values));
    assert.notEqual(synthesizeComplex(spec, 'other seed', chemistry).cif, first.cif);
  });

  it('folds a short designed peptide whose last residue follows a helix, whatever the seed', () => {
    // GSTSTYLRLAESG boxed its C-terminal glycine in with the helix's ψ for 1 seed in 300, failing
    // a 2,000-protein design run at its 4xxth design.
    const peptide = 'GSTSTYLRLAESG';
    const names = ['GLY', 'SER', 'THR', 'SER', 'THR', 'TYR', 'LEU', 'ARG', 'LEU', 'ALA', 'GLU', 'SER', 'GLY'];
    for (let seed = 0; seed < 300; seed++) {
      const folded = foldProtein(names, peptide, seededRandom('f', String(seed)));
      assert.equal(folded.residues.length, peptide.length);
    }
  });

  it('refuses a CCD code that no component has', () => {
    assert.throws(() => synthesizeComplex({ entities: [{ type: 'ligand', chainIds: ['L'], ccd: 'XYZ1' }] }, 'x', chemistry), /unknown CCD component XYZ1/);
  });
});
