import { Type } from 'typebox';
import type { SequenceRedesignStartParams } from 'boltz-api/resources/protein/sequence-redesign';
import { BASE64_FILE_LIMITS, START_FIELD_LIMITS, withLimits } from '../common/schema-limits.ts';
import { MAX_PROTEINS, MIN_PROTEINS } from '../protein-design/start-body.ts';
import START_BODY_SCHEMA from './start-body.schema.json' with { type: 'json' };

/**
 * The start (and estimate-cost) body of protein sequence redesign: the SDK's
 * `SequenceRedesignStartParams` (binder or generic), generated from the SDK's types
 * (scripts/generate-request-schemas.ts), with the limits of spec/API.md §10: `num_proteins` as
 * for protein design.
 */
export const SequenceRedesignStartBody = Type.Unsafe<SequenceRedesignStartParams>(
  withLimits(START_BODY_SCHEMA, {
    ...START_FIELD_LIMITS,
    ...BASE64_FILE_LIMITS,
    num_proteins: { minimum: MIN_PROTEINS, maximum: MAX_PROTEINS },
    entities: { minItems: 1 },
    residues: { minItems: 1 },
  }),
);
