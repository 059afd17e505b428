import type { JobKind } from '@boltz/shared';
import { ADME } from './adme/family.ts';
import type { Family } from './family.ts';
import { PROTEIN_DESIGN } from './protein-design/family.ts';
import { PROTEIN_LIBRARY_SCREEN } from './protein-library-screen/family.ts';
import { PROTEIN_SEQUENCE_REDESIGN } from './protein-sequence-redesign/family.ts';
import { SMALL_MOLECULE_DESIGN } from './small-molecule-design/family.ts';
import { SMALL_MOLECULE_EXPLORE } from './small-molecule-explore/family.ts';
import { SMALL_MOLECULE_LIBRARY_SCREEN } from './small-molecule-library-screen/family.ts';
import { STRUCTURE_AND_BINDING } from './structure-and-binding/family.ts';

/**
 * Every job family the server speaks (spec/API.md §8–§10), in the order of the API reference.
 * Routes, runners, engines, usage and the OpenAPI document are all derived from this list.
 */
export const FAMILIES: readonly Family[] = [
  STRUCTURE_AND_BINDING,
  ADME,
  PROTEIN_DESIGN,
  PROTEIN_LIBRARY_SCREEN,
  PROTEIN_SEQUENCE_REDESIGN,
  SMALL_MOLECULE_DESIGN,
  SMALL_MOLECULE_LIBRARY_SCREEN,
  SMALL_MOLECULE_EXPLORE,
];

const BY_KIND = new Map<JobKind, Family>(FAMILIES.map((family) => [family.kind, family]));

export function familyOf(kind: JobKind): Family {
  const family = BY_KIND.get(kind);
  if (!family) throw new Error(`no family registered for job kind ${kind}`);
  return family;
}
