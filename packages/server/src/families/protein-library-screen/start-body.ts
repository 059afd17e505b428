import { Type } from 'typebox';
import type { LibraryScreenStartParams } from 'boltz-api/resources/protein/library-screen';
import { BASE64_FILE_LIMITS, START_FIELD_LIMITS, withLimits } from '../common/schema-limits.ts';
import { MAX_PROTEINS } from '../protein-design/start-body.ts';
import START_BODY_SCHEMA from './start-body.schema.json' with { type: 'json' };

/**
 * The start (and estimate-cost) body of a protein library screen: the SDK's
 * `LibraryScreenStartParams`, generated from the SDK's types (scripts/generate-request-schemas.ts),
 * with the limits of spec/API.md §10. A screen takes as many candidates as a design makes
 * proteins.
 */
export const ProteinLibraryScreenStartBody = Type.Unsafe<LibraryScreenStartParams>(
  withLimits(START_BODY_SCHEMA, {
    ...START_FIELD_LIMITS,
    ...BASE64_FILE_LIMITS,
    proteins: { minItems: 1, maxItems: MAX_PROTEINS },
    entities: { minItems: 1 },
    chain_ids: { minItems: 1 },
    id: { minLength: 1, maxLength: 1024 },
  }),
);
