import { Type } from 'typebox';
import type { DesignStartParams } from 'boltz-api/resources/small-molecule/design';
import { withLimits } from '../common/schema-limits.ts';
import { SMALL_MOLECULE_FIELD_LIMITS } from '../common/small-molecule.ts';
import START_BODY_SCHEMA from './start-body.schema.json' with { type: 'json' };

/** `num_molecules` of every small-molecule design request (spec/API.md §10). */
export const MIN_MOLECULES = 10;
export const MAX_MOLECULES = 1_000_000;

/**
 * The start (and estimate-cost) body of small-molecule design: the SDK's `DesignStartParams`,
 * generated from its types (scripts/generate-request-schemas.ts), with the documented limits.
 */
export const MoleculeDesignStartBody = Type.Unsafe<DesignStartParams>(
  withLimits(START_BODY_SCHEMA, { ...SMALL_MOLECULE_FIELD_LIMITS, num_molecules: { minimum: MIN_MOLECULES, maximum: MAX_MOLECULES } }),
);
