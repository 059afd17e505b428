import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadChemistry } from '@boltz/chemistry';
import { synthesizeComplex, type SynthesizedComplex } from '../src/index.ts';
import { confidence } from '../src/synthetic/confidence.ts';
import { seededRandom } from '../src/synthetic/random.ts';
import type { Vec3 } from '../src/synthetic/vector.ts';
import { spearman } from './helpers.ts';

/** Metrics of synthetic complexes against their own geometry, over a few hundred complexes. */
const chemistry = await loadChemistry();
const COMPOSITION = 'AAAAAAAAALLLLLLLLLLGGGGGGGVVVVVVVEEEEEEESSSSSSSIIIIIIKKKKKKRRRRRDDDDDTTTTTPPPPPNNNNQQQQFFFFYYYMMHHCW';
const LIGANDS = ['CC(=O)Oc1ccccc1C(=O)O', 'CCO', 'c1ccc2[nH]ccc2c1', 'CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O', 'O=C(O)c1ccccc1O', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'NCCc1ccc(O)c(O)c1'];

function sequence(length: number, seed: string): string {
  const random = seededRandom('sequence', seed);
  return Array.from({ length }, () => COMPOSITION[Math.floor(random.next() * COMPOSITION.length)]).join('');
}

const ligandContacts = (complex: SynthesizedComplex) => complex.confidence.pairContacts[1][0];

describe('synthetic confidences agree with the geometry', () => {
  const complexes: SynthesizedComplex[] = [];
  for (let k = 0; k < 200; k++) {
    const random = seededRandom('population', String(k));
    complexes.push(
      synthesizeComplex(
        {
          entities: [
            { type: 'protein', chainIds: ['A'], sequence: sequence(50 + Math.floor(random.next() * 40), `p${k}`) },
            { type: 'ligand', chainIds: ['L'], smiles: LIGANDS[k % LIGANDS.length] },
          ],
          binders: ['L'],
        },
        `complex ${k}`,
        chemistry,
      ),
    );
  }

  it('ligand_iptm and binding_confidence rise with the ligand contacts, over 200 complexes', () => {
    const contacts = complexes.map(ligandContacts);
    const iptm = complexes.map((c) => c.confidence.metrics.ligand_iptm);
    const binding = complexes.map((c) => c.confidence.ligandBinding!.bindingConfidence);
    assert.ok(spearman(contacts, iptm) > 0.3, `ρ(contacts, ligand_iptm) = ${spearman(contacts, iptm).toFixed(2)}`);
    assert.ok(spearman(iptm, binding) > 0.5, `ρ(ligand_iptm, binding_confidence) = ${spearman(iptm, binding).toFixed(2)}`);
    // pLDDT and the structure confidence move together; structure_confidence follows Boltz's formula.
    const plddt = complexes.map((c) => c.confidence.metrics.complex_plddt);
    const structure = complexes.map((c) => c.confidence.metrics.structure_confidence);
    assert.ok(spearman(plddt, structure) > 0.8);
    for (const { confidence: { metrics: m } } of complexes) assert.ok(Math.abs(m.structure_confidence - (4 * m.complex_plddt + m.iptm) / 5) < 1e-3);
  });

  it('gives PAE that follows the chains: low inside a chain, higher across, lower across a better interface', () => {
    const gaps = complexes.map((c) => {
      const { rows: n, values } = c.pae;
      const chainOf = (t: number) => c.chains.findIndex((chain) => t >= chain.tokenStart && t < chain.tokenEnd);
      let [intra, inter, ni, nx] = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          if (chainOf(i) === chainOf(j)) [intra, ni] = [intra + values[i * n + j], ni + 1];
          else [inter, nx] = [inter + values[i * n + j], nx + 1];
        }
      }
      return { intra: intra / ni, inter: inter / nx };
    });
    assert.ok(gaps.every((g) => g.intra < g.inter), 'intra-chain PAE below inter-chain PAE in every complex');
    const iptm = complexes.map((c) => c.confidence.metrics.iptm);
    assert.ok(spearman(iptm, gaps.map((g) => -g.inter)) > 0.8, 'inter-chain PAE falls as ipTM rises');
  });

  it('cannot score a ligand that touches nothing', () => {
    // A protein and a ligand 40 Å away: the same latent quality gives a low ligand ipTM.
    const protein: Vec3[] = Array.from({ length: 30 }, (_, i) => [3.8 * i, 0, 0]);
    const ligand: Vec3[] = [[0, 40, 0], [1.5, 40, 0], [3, 40, 0], [4.5, 40, 0]];
    const result = confidence({
      chains: [
        { id: 'A', entityId: 1, kind: 'protein', tokenStart: 0, tokenEnd: 30 },
        { id: 'L', entityId: 2, kind: 'ligand', tokenStart: 30, tokenEnd: 34 },
      ],
      tokenAtoms: Array.from({ length: 34 }, (_, t) => [t]),
      positions: [...protein, ...ligand],
      atomNames: [...protein.map(() => 'CA'), 'C1', 'C2', 'C3', 'C4'],
      binders: ['L'],
      quality: 0.95,
      random: seededRandom('apart'),
    });
    assert.ok(result.metrics.ligand_iptm < 0.2, `ligand_iptm ${result.metrics.ligand_iptm}`);
    assert.ok(result.ligandBinding!.bindingConfidence < 0.3);
  });
});
