import type { ErrorDetails } from '../../errors.ts';
import type { AdmeInput } from './input-schema.ts';

/**
 * Semantic rules of an ADME input beyond its schema (spec/API.md §9). Unparseable SMILES are not
 * checked here: they become per-molecule failures. Our decision: molecule ids must be unique,
 * since `external_id` is how a client joins results back to its own records, and a repeated id
 * makes that join ambiguous.
 */
export function checkAdmeInput(input: AdmeInput): ErrorDetails {
  const details: ErrorDetails = {};
  const firstIndexOfId = new Map<string, number>();
  input.molecules.forEach((molecule, index) => {
    if (molecule.id === undefined) return;
    const first = firstIndexOfId.get(molecule.id);
    if (first === undefined) firstIndexOfId.set(molecule.id, index);
    else details[`input.molecules[${index}].id`] = `repeats the id ${JSON.stringify(molecule.id)} of input.molecules[${first}]; molecule ids must be unique`;
  });
  return details;
}
