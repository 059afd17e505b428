import { Type } from 'typebox';
import type { LibraryScreenStartParams } from 'boltz-api/resources/small-molecule/library-screen';
import { withLimits } from '../common/schema-limits.ts';
import { SMALL_MOLECULE_FIELD_LIMITS } from '../common/small-molecule.ts';
import START_BODY_SCHEMA from './start-body.schema.json' with { type: 'json' };

/**
 * Molecules of one library screen: a list in the JSON body (larger libraries go to explore, whose
 * library is a file). 100,000 SMILES are a few MiB, within the body limit.
 */
export const MAX_SCREEN_MOLECULES = 100_000;

/**
 * The start (and estimate-cost) body of small-molecule library screen: the SDK's
 * `LibraryScreenStartParams` (scripts/generate-request-schemas.ts), with the documented limits.
 */
export const MoleculeScreenStartBody = Type.Unsafe<LibraryScreenStartParams>(
  withLimits(START_BODY_SCHEMA, {
    ...SMALL_MOLECULE_FIELD_LIMITS,
    molecules: { minItems: 1, maxItems: MAX_SCREEN_MOLECULES },
    id: { minLength: 1, maxLength: 1024 },
  }),
);
