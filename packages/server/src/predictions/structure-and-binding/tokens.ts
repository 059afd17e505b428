import { type Chemistry, lookupCcd } from '@boltz/chemistry';
import type { StructureAndBindingInput } from './input-schema.ts';

type Entity = StructureAndBindingInput['entities'][number];

/**
 * Heavy atoms counted for a well-formed CCD code that the embedded table does not list
 * (packages/chemistry/src/ccd.ts): a typical drug-sized ligand. Such codes are accepted; the live
 * engine resolves them against the full dictionary.
 */
export const UNLISTED_CCD_HEAVY_ATOMS = 30;

export function ccdHeavyAtoms(code: string): number {
  return lookupCcd(code)?.atoms.length ?? UNLISTED_CCD_HEAVY_ATOMS;
}

/**
 * Heavy atoms of one copy of a ligand or glycan entity; undefined for polymers and for a SMILES
 * that does not parse. Glycan residues count their full CCD entries (the few leaving atoms lost
 * to glycosidic bonds are not subtracted).
 */
export function heavyAtomsPerCopy(entity: Entity, chemistry: Chemistry): number | undefined {
  switch (entity.type) {
    case 'ligand_ccd':
      return ccdHeavyAtoms(entity.value);
    case 'ligand_smiles':
      return chemistry.heavyAtomCount(entity.value) ?? undefined;
    case 'glycan':
      return entity.residues.reduce((sum, residue) => sum + ccdHeavyAtoms(residue.ccd), 0);
    default:
      return undefined;
  }
}

/**
 * Size of a request in tokens (ENGINE.md §9): polymer residues plus ligand and glycan heavy
 * atoms, over all copies. Pricing tiers are ⌈tokens / 256⌉. Meant for validated inputs; an
 * unparseable SMILES would count 0.
 */
export function structureTokens(input: StructureAndBindingInput, chemistry: Chemistry): number {
  let tokens = 0;
  for (const entity of input.entities) {
    const perCopy = entity.type === 'protein' || entity.type === 'rna' || entity.type === 'dna' ? entity.value.length : (heavyAtomsPerCopy(entity, chemistry) ?? 0);
    tokens += perCopy * entity.chain_ids.length;
  }
  return tokens;
}
