import { type Random, seededRandom } from '@boltz/shared';
import type { Chemistry, ParsedMolecule } from '../index.ts';
import type { MoleculeFilterEvaluator } from './molecule-filters.ts';

/**
 * Drug-like molecules for the test-mode small-molecule design engine (PIPELINE-ENGINES.md §6):
 * deterministic per (run id, result index), assembled from common medicinal-chemistry building
 * blocks — an aryl head, a linker, a saturated or aromatic core, a linker and a cap, as in amide,
 * sulfonamide, urea and ether-linked screening compounds — then checked by RDKit for validity,
 * size (15–40 heavy atoms, MW 250–550), the run's filters and uniqueness.
 *
 * Each block is a SMILES piece that closes its own rings; concatenation bonds the last atom of
 * the main chain of one piece to the first atom of the next. `ends` gives those two atoms' kinds
 * (C carbon, X heteroatom), so that no two heteroatoms are joined (no hydrazines, peroxides,
 * N–O or N–S links, which are unstable or structural alerts).
 */
interface Block {
  smiles: string;
  ends: 'CC' | 'CX' | 'XC' | 'XX' | '';
}

const block = (smiles: string, ends: Block['ends']): Block => ({ smiles, ends });

const HEADS: Block[] = [
  block('c1ccc(F)cc1', 'CC'), block('c1ccc(Cl)cc1', 'CC'), block('c1ccc(C(F)(F)F)cc1', 'CC'), block('c1ccc(OC)cc1', 'CC'),
  block('c1cc(F)cc(F)c1', 'CC'), block('c1ccncc1', 'CC'), block('c1ccc2[nH]ccc2c1', 'CC'), block('c1ccc2ncccc2c1', 'CC'),
  block('Cc1nc(cs1)', 'CC'), block('c1cn(C)nc1', 'CC'), block('c1ccc2OCOc2c1', 'CC'), block('c1ccc(C#N)cc1', 'CC'),
  block('c1ccc(C)cc1', 'CC'), block('Cc1onc(c1)', 'CC'), block('c1ccc2ccccc2c1', 'CC'), block('Cc1ncc(cn1)', 'CC'),
];
const LINKERS: Block[] = [
  block('', ''), block('C', 'CC'), block('C(=O)N', 'CX'), block('NC(=O)', 'XC'), block('S(=O)(=O)N', 'XX'), block('O', 'XX'),
  block('CO', 'CX'), block('CN', 'CX'), block('C(=O)', 'CC'), block('NC(=O)N', 'XX'), block('CC(=O)N', 'CX'), block('OC', 'XC'),
];
const CORES: Block[] = [
  block('C1CCN(CC1)', 'CX'), block('N1CCN(CC1)', 'XX'), block('c1ccc(cc1)', 'CC'), block('c1cccc(c1)', 'CC'), block('c1ccc(nc1)', 'CC'),
  block('c1cnc(nc1)', 'CC'), block('C1CCC(CC1)', 'CC'), block('N1CCC(C1)', 'XC'), block('C1CN(C1)', 'CX'), block('c1csc(n1)', 'CC'),
  block('N1CCC(CC1)', 'XC'), block('c1cc(on1)', 'CC'), block('c1nc2ccccc2n1', 'CX'), block('C1CCOC(C1)', 'CC'),
];
const CAPS: Block[] = [
  block('C', 'CC'), block('CC', 'CC'), block('C(C)C', 'CC'), block('C1CC1', 'CC'), block('C(F)(F)F', 'CC'), block('c1ccccc1', 'CC'),
  block('c1ccccn1', 'CC'), block('c1cccs1', 'CC'), block('C1CCOCC1', 'CC'), block('N1CCOCC1', 'XX'), block('OC', 'XX'),
  block('C#N', 'CC'), block('C(C)(C)O', 'CC'), block('c1ccc(F)cc1', 'CC'), block('N1CCCC1', 'XX'), block('C1CCCC1', 'CC'),
  block('c1cn[nH]c1', 'CC'), block('C(=O)N(C)C', 'CC'), block('S(C)(=O)=O', 'XX'), block('c1ccc(O)cc1', 'CC'),
];

export const DRUG_LIKE_HEAVY_ATOMS = { min: 15, max: 40 };
export const DRUG_LIKE_MOLECULAR_WEIGHT = { min: 250, max: 550 };
export const DEFAULT_GENERATION_ATTEMPTS = 500;

export class MoleculeGenerationError extends Error {}

export interface MoleculeGenerationRequest {
  chemistry: Chemistry;
  /** The run's compiled `molecule_filters`: only molecules they accept are returned. */
  filters: MoleculeFilterEvaluator;
  runId: string;
  resultIndex: number;
  /** Whether the run already has this canonical SMILES (uniqueness within the run). */
  isTaken: (canonicalSmiles: string) => boolean;
  maxAttempts?: number;
}

/**
 * The design's molecule number `resultIndex`, as RDKit parses it (canonical SMILES, RDKit's
 * descriptor set for ADME, 2D atoms). Throws MoleculeGenerationError when `maxAttempts`
 * candidates in a row fail (filters too strict for these building blocks, or the space used up).
 */
export function generateDrugLikeMolecule(request: MoleculeGenerationRequest): ParsedMolecule {
  const { chemistry, filters, isTaken } = request;
  const maxAttempts = request.maxAttempts ?? DEFAULT_GENERATION_ATTEMPTS;
  const random = seededRandom('small-molecule-design', request.runId, String(request.resultIndex));
  const reasons = { size: 0, filtered: 0, taken: 0, invalid: 0 };
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const candidate = assemble(random);
    const verdict = filters.evaluate(candidate);
    if (verdict.outcome !== 'accepted') {
      reasons[verdict.outcome]++;
      continue;
    }
    if (isTaken(verdict.canonicalSmiles)) {
      reasons.taken++;
      continue;
    }
    const molecule = chemistry.parseSmiles(verdict.canonicalSmiles);
    if (!molecule || !isDrugLikeSize(molecule)) {
      reasons.size++;
      continue;
    }
    return molecule;
  }
  throw new MoleculeGenerationError(
    `no molecule after ${maxAttempts} candidates (${reasons.filtered} filtered, ${reasons.size} outside 15–40 heavy atoms or MW 250–550, ${reasons.taken} already generated, ${reasons.invalid} invalid)`,
  );
}

export function isDrugLikeSize(molecule: ParsedMolecule): boolean {
  const weight = molecule.descriptors.amw;
  return (
    molecule.heavyAtomCount >= DRUG_LIKE_HEAVY_ATOMS.min &&
    molecule.heavyAtomCount <= DRUG_LIKE_HEAVY_ATOMS.max &&
    weight >= DRUG_LIKE_MOLECULAR_WEIGHT.min &&
    weight <= DRUG_LIKE_MOLECULAR_WEIGHT.max
  );
}

/** head – linker – core – linker – cap, sometimes with a second core, heteroatoms never bonded. */
function assemble(random: Random): string {
  let smiles = '';
  let lastEnd = '';
  const add = (blocks: Block[]) => {
    // The empty linker joins its neighbours directly, so the previous end still counts.
    const fitting = lastEnd === 'X' ? blocks.filter((b) => b.ends[0] !== 'X') : blocks;
    const chosen = fitting[Math.floor(random.next() * fitting.length)];
    smiles += chosen.smiles;
    if (chosen.ends) lastEnd = chosen.ends[1];
  };
  add(HEADS);
  add(LINKERS);
  add(CORES);
  if (random.next() < 0.25) {
    add(LINKERS);
    add(CORES);
  }
  add(LINKERS);
  add(CAPS);
  return smiles;
}
