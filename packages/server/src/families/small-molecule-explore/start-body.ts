import { Type } from 'typebox';
import type { ExploreStartParams } from 'boltz-api/resources/small-molecule/explore';
import { LIBRARY_LIMITS } from '@boltz/chemistry';
import { withLimits } from '../common/schema-limits.ts';
import { SMALL_MOLECULE_FIELD_LIMITS } from '../common/small-molecule.ts';
import START_BODY_SCHEMA from './start-body.schema.json' with { type: 'json' };

/**
 * The start body of small-molecule explore: the SDK's `ExploreStartParams`
 * (scripts/generate-request-schemas.ts), with the documented limits. `data` is marked base64 so
 * the route takes the large body limit of file uploads (plugins/body-limits.ts).
 */
export const ExploreStartBody = Type.Unsafe<ExploreStartParams>(
  withLimits(START_BODY_SCHEMA, {
    ...SMALL_MOLECULE_FIELD_LIMITS,
    budget: { minimum: 1, maximum: LIBRARY_LIMITS.maxRecords },
    smiles_column: { minLength: 1, maxLength: 1024 },
    id_column: { minLength: 1, maxLength: 1024 },
    url: { minLength: 1, maxLength: 4096 },
    data: { minLength: 1, contentEncoding: 'base64' },
    media_type: { minLength: 1, maxLength: 255 },
  }),
);
