import type { Chemistry } from '@boltz/chemistry';
import { type PlannedChain, chainLengthRange } from '@boltz/engines';
import { ccdHeavyAtoms } from '../structure-and-binding/tokens.ts';

/**
 * Pricing tokens (spec/API.md §7.4: residues plus ligand and glycan heavy atoms) of chains planned
 * from a protein request — a design's target and binder, a screen's target, a redesign's
 * structure — counting designed segments at their longest.
 */
export function plannedTokens(chains: readonly PlannedChain[], chemistry: Chemistry): number {
  let tokens = 0;
  for (const chain of chains) {
    if (chain.type === 'ligand_ccd') tokens += ccdHeavyAtoms(chain.value ?? '');
    else if (chain.type === 'ligand_smiles') tokens += chemistry.heavyAtomCount(chain.value ?? '') ?? 0;
    else if (chain.type === 'glycan') tokens += (chain.value ?? '').split(' ').reduce((sum, code) => sum + ccdHeavyAtoms(code), 0);
    else tokens += chainLengthRange(chain).max;
  }
  return tokens;
}
