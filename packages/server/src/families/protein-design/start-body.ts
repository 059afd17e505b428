import { Type } from 'typebox';
import type { DesignStartParams } from 'boltz-api/resources/protein/design';
import { BASE64_FILE_LIMITS, START_FIELD_LIMITS, withLimits } from '../common/schema-limits.ts';
import START_BODY_SCHEMA from './start-body.schema.json' with { type: 'json' };

/** `num_proteins` of every protein design request (spec/API.md §10). */
export const MIN_PROTEINS = 10;
export const MAX_PROTEINS = 1_000_000;

/**
 * The start (and estimate-cost) body of protein design: the SDK's `DesignStartParams` — binder,
 * generic or legacy body — generated from the SDK's types (scripts/generate-request-schemas.ts),
 * with the documented limits.
 */
export const ProteinDesignStartBody = Type.Unsafe<DesignStartParams>(
  withLimits(START_BODY_SCHEMA, {
    ...START_FIELD_LIMITS,
    ...BASE64_FILE_LIMITS,
    num_proteins: { minimum: MIN_PROTEINS, maximum: MAX_PROTEINS },
    chain_ids: { minItems: 1 },
    templates: { maxItems: 20 },
  }),
);
