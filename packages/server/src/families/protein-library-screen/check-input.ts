import type { Chemistry } from '@boltz/chemistry';
import { type InputFile, type JobInput, type PlannedChain, planTarget } from '@boltz/engines';
import type { ErrorDetails } from '../../errors.ts';
import { plannedTokens } from '../common/planned-tokens.ts';
import { MAX_STRUCTURE_TOKENS, checkStructureAndBindingInput } from '../structure-and-binding/check-input.ts';
import type { StructureAndBindingInput } from '../structure-and-binding/input-schema.ts';
import { structureTokens } from '../structure-and-binding/tokens.ts';

type Input = JobInput<'protein_library_screen'>;
type Candidate = Input['proteins'][number];

/** A candidate as the structure-and-binding input it is folded as (its entities are the same SDK shapes). */
const asPrediction = (candidate: Candidate) => ({ entities: candidate.entities }) as unknown as StructureAndBindingInput;

/**
 * The content rules of a protein library screen (spec/API.md §10, 422 naming the path): the
 * target plans like a design's target (chains of the template, crops, epitopes); every candidate
 * passes the entity rules of a structure prediction (sequences, CCD codes, SMILES, chain ids),
 * holds a protein, and with the target stays within the structure size cap; client ids are
 * unique, so that results can be told apart by `external_id`. Candidate chain ids that the
 * target uses are renamed by the engine, not refused.
 */
export function checkLibraryScreen(input: Input, chemistry: Chemistry, files: ReadonlyMap<string, InputFile>): ErrorDetails {
  const errors: ErrorDetails = {};
  const target = planTarget(input.target, files);
  if ('errors' in target) Object.assign(errors, target.errors);
  const targetTokens = 'errors' in target ? 0 : plannedTokens(target, chemistry);
  const firstWithId = new Map<string, number>();
  input.proteins.forEach((candidate, index) => {
    const at = `proteins[${index}]`;
    const rename = (text: string) => text.replaceAll('input.entities', `${at}.entities`);
    for (const [path, message] of Object.entries(checkStructureAndBindingInput(asPrediction(candidate), chemistry))) errors[rename(path)] ??= rename(message);
    if (!candidate.entities.some((entity) => entity.type === 'protein')) errors[`${at}.entities`] ??= 'must include a protein entity: a library screen scores protein candidates';
    if (candidate.id !== undefined) {
      const first = firstWithId.get(candidate.id);
      if (first !== undefined) errors[`${at}.id`] ??= `repeats the id of proteins[${first}]; candidate ids must be unique`;
      else firstWithId.set(candidate.id, index);
    }
    const tokens = targetTokens + structureTokens(asPrediction(candidate), chemistry);
    if (tokens > MAX_STRUCTURE_TOKENS) errors[at] ??= `makes a complex of ${tokens} tokens with the target (residues plus ligand and glycan heavy atoms); at most ${MAX_STRUCTURE_TOKENS} are accepted`;
  });
  return errors;
}

/** Tokens of the largest complex of the screen: the target plus its largest candidate (the pricing tier of every candidate). */
export function largestComplexTokens(input: Input, chemistry: Chemistry, target: PlannedChain[]): number {
  return plannedTokens(target, chemistry) + Math.max(0, ...input.proteins.map((candidate) => structureTokens(asPrediction(candidate), chemistry)));
}
