import { Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';

export const MAX_RETENTION_HOURS = 336;

export const DataRetention = Type.Object(
  {
    unit: Type.Union([Type.Literal('hours'), Type.Literal('days')], { description: 'Time unit for retention duration' }),
    value: Type.Integer({ minimum: 1, maximum: MAX_RETENTION_HOURS, description: 'Duration value; at most 14 days (336 hours)', examples: [7] }),
  },
  { additionalProperties: false, description: 'How long result data is retained before automatic deletion' },
);

export const Workspace = Type.Object(
  {
    id: Type.String({ description: 'Workspace ID', examples: ['ws_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
    name: Nullable(Type.String({ description: 'Workspace name' })),
    is_default: Type.Boolean({ description: 'Whether this is the organization\'s default workspace' }),
    data_retention: DataRetention,
    created_at: DateTime('When the workspace was created'),
    updated_at: DateTime('When the workspace was last changed'),
    archived_at: Nullable(DateTime('When the workspace was archived')),
  },
  { description: 'A workspace: an isolated environment for jobs, with its own retention and keys' },
);

export const MILLI_USD_UNLIMITED = 9007199254740991;

const MilliUsdAmount = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: MILLI_USD_UNLIMITED, description: 'Amount in milli-USD; 9007199254740991 (2^53 − 1) means unlimited', examples: [5000] }),
    currency: Type.Literal('MILLI_USD', { description: 'Only milli-USD is supported' }),
  },
  { additionalProperties: false },
);

export const SpendingLimitBody = Type.Object(
  {
    type: Type.Literal('lifetime', { description: 'Only lifetime limits are supported' }),
    limit: MilliUsdAmount,
  },
  { additionalProperties: false },
);

export const SpendingLimit = Type.Object(
  {
    type: Type.Literal('lifetime'),
    limit: MilliUsdAmount,
    accrued_usage: MilliUsdAmount,
  },
  { description: 'Lifetime spending ceiling of a workspace and the live usage accrued since it was first set' },
);
