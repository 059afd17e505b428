import type { Chemistry, ParsedMolecule } from '@boltz/chemistry';
import { newId } from '@boltz/shared';

/**
 * Test-mode ADME (spec/API.md §9): one row per input molecule, in request order. Values are
 * deterministic functions of RDKit descriptors (no randomness), simple published-style
 * heuristics chosen to land in realistic ranges:
 *
 * - lipophilicity — a LogD(7.4) estimate from Crippen's cLogP: polar surface lowers the
 *   distribution coefficient of ionisable, polar molecules, so
 *   `LogD = CrippenClogP − 0.01·max(0, TPSA − 40)`, clamped to [−3, 7].
 * - permeability — log10 of an apparent Caco-2 permeability in 10⁻⁶ cm/s, falling with polar
 *   surface and size: `1.6 − 0.016·TPSA − 0.002·max(0, MW − 300)`, clamped to [−2, 2].
 * - solubility — an ESOL-style log S (Delaney 2004, aromatic rings standing in for the aromatic
 *   proportion): `logS = 0.16 − 0.63·cLogP − 0.0062·MW − 0.35·aromatic rings`;
 *   logS ≥ −4 → `high-confidence`, −6 ≤ logS < −4 → `medium-confidence`, below → `high-risk`.
 */
export interface AdmeValues {
  lipophilicity: number;
  permeability: number;
  solubility: 'high-confidence' | 'medium-confidence' | 'high-risk';
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const round3 = (value: number) => Math.round(value * 1000) / 1000;

export function admeFromDescriptors(molecule: ParsedMolecule): AdmeValues {
  const { CrippenClogP: clogp, tpsa, exactmw: mw, NumAromaticRings: aromaticRings } = molecule.descriptors;
  const logS = 0.16 - 0.63 * clogp - 0.0062 * mw - 0.35 * aromaticRings;
  return {
    lipophilicity: round3(clamp(clogp - 0.01 * Math.max(0, tpsa - 40), -3, 7)),
    permeability: round3(clamp(1.6 - 0.016 * tpsa - 0.002 * Math.max(0, mw - 300), -2, 2)),
    solubility: logS >= -4 ? 'high-confidence' : logS >= -6 ? 'medium-confidence' : 'high-risk',
  };
}

export function predictAdme(input: { molecules: Array<{ smiles: string; id?: string }> }, chemistry: Chemistry) {
  return {
    molecules: input.molecules.map((molecule) => {
      const parsed = chemistry.parseSmiles(molecule.smiles);
      const row = {
        id: newId('adme_mol_'),
        smiles: molecule.smiles,
        ...(molecule.id !== undefined ? { external_id: molecule.id } : {}),
      };
      return parsed
        ? { ...row, status: 'succeeded' as const, error: null, adme: admeFromDescriptors(parsed) }
        : { ...row, status: 'failed' as const, adme: null, error: { code: 'adme_enumeration_failed', message: 'Invalid SMILES' } };
    }),
  };
}
