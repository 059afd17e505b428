import { type Chemistry, ccdHeavyAtoms } from '@boltz/chemistry';
import type { StructureAndBindingInput } from './input-schema.ts';

export { UNLISTED_CCD_HEAVY_ATOMS, ccdHeavyAtoms } from '@boltz/chemistry';

type Entity = StructureAndBindingInput['entities'][number];

/** Heavy atoms of a SMILES, null when it does not parse. */
export type SmilesHeavyAtoms = (smiles: string) => number | null;

/**
 * Heavy atoms of one copy of a ligand or glycan entity; undefined for polymers and for a SMILES
 * that does not parse. Glycan residues count their full CCD entries (the few leaving atoms lost
 * to glycosidic bonds are not subtracted).
 */
export function heavyAtomsPerCopy(entity: Entity, smilesHeavyAtoms: SmilesHeavyAtoms): number | undefined {
  switch (entity.type) {
    case 'ligand_ccd':
      return ccdHeavyAtoms(entity.value);
    case 'ligand_smiles':
      return smilesHeavyAtoms(entity.value) ?? undefined;
    case 'glycan':
      return entity.residues.reduce((sum, residue) => sum + ccdHeavyAtoms(residue.ccd), 0);
    default:
      return undefined;
  }
}

/** Polymer residues plus ligand and glycan heavy atoms, over all copies; a SMILES that does not parse counts 0. */
export function countTokens(input: StructureAndBindingInput, smilesHeavyAtoms: SmilesHeavyAtoms): number {
  let tokens = 0;
  for (const entity of input.entities) {
    const perCopy = entity.type === 'protein' || entity.type === 'rna' || entity.type === 'dna' ? entity.value.length : (heavyAtomsPerCopy(entity, smilesHeavyAtoms) ?? 0);
    tokens += perCopy * entity.chain_ids.length;
  }
  return tokens;
}

/**
 * Size of a request in tokens (ENGINE.md §9), SMILES heavy atoms as RDKit counts them. Pricing
 * tiers are ⌈tokens / 256⌉.
 */
export function structureTokens(input: StructureAndBindingInput, chemistry: Chemistry): number {
  return countTokens(input, (smiles) => chemistry.heavyAtomCount(smiles));
}
