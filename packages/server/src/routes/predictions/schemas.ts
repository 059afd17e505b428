import { Type } from 'typebox';
import { CursorPageQuery, DateTime, Nullable } from '../../schemas/common.ts';
import type { PredictionFamily } from '../../jobs/families.ts';

/** Response shapes of spec/API.md §8 and §9 (field names final in the boltz-api SDK). */
const JobError = Type.Object(
  {
    code: Type.String({ description: 'Stable error code', examples: ['engine_failed'] }),
    message: Type.String({ description: 'One human-readable sentence' }),
    details: Type.Optional(Type.Unknown({ description: 'Messages keyed by input path' })),
  },
  { description: 'Why the job failed' },
);

function predictionFields(family: PredictionFamily) {
  return {
    id: Type.String({ description: 'Prediction id', examples: [`${family.idPrefix}2X7Ab9Cd3Ef6Gh1JkLmN`] }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')], {
      description: 'pending → running → succeeded | failed',
    }),
    model: Type.Literal(family.model, { description: 'Model the prediction was requested with' }),
    version: Type.String({ description: 'Engine version actually used', examples: ['synthetic-1'] }),
    livemode: Type.Boolean({ description: 'false for test-mode (synthetic, free) predictions' }),
    workspace_id: Type.String({ description: 'Workspace the prediction belongs to' }),
    created_at: DateTime('When the prediction was created'),
    started_at: Nullable(DateTime('When it first entered `running`')),
    completed_at: Nullable(DateTime('When it entered `succeeded` or `failed`')),
    expires_at: Nullable(DateTime('When its data is deleted: completion + workspace retention')),
    data_deleted_at: Nullable(DateTime('When its input, output and files were deleted')),
    error: Nullable(JobError),
    idempotency_key: Type.Optional(Type.String({ description: 'Echo of the idempotency key given at start' })),
  };
}

export function Prediction(family: PredictionFamily) {
  return Type.Object(
    {
      ...predictionFields(family),
      input: Type.Unknown({ description: 'The request input (files as presigned URLs); null after data deletion' }),
      output: Type.Unknown({ description: 'Results, non-null only when succeeded (files as presigned URLs)' }),
    },
    { description: `A ${family.application} prediction` },
  );
}

/** List items omit `input` and `output` (spec/API.md §7.2). */
export function PredictionListItem(family: PredictionFamily) {
  return Type.Object(predictionFields(family));
}

export const PredictionIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'Prediction id' }),
});

export const WorkspaceQuery = Type.Object(
  { workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Workspace the prediction must be in' })) },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    ...CursorPageQuery,
    workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Workspace to list (admin keys; default: the default workspace)' })),
  },
  { additionalProperties: false },
);

export const DeleteDataResponse = Type.Object({
  id: Type.String({ description: 'Prediction id' }),
  data_deleted: Type.Literal(true),
  data_deleted_at: DateTime('When the data was deleted (the first deletion, on repeats)'),
});

export const EstimateCostResponse = Type.Object({
  estimated_cost_usd: Type.String({ description: 'Total in USD, decimal string', examples: ['0.0200'] }),
  disclaimer: Type.String({ description: 'Estimate only; the final charge is based on completed work.' }),
  breakdown: Type.Object({
    application: Type.String({ description: 'Metered application', examples: ['structure_and_binding'] }),
    cost_per_unit_usd: Type.String({ description: 'USD per unit, rounded up to 4 decimals', examples: ['0.0200'] }),
    num_units: Type.Integer({ description: 'Samples (structure-and-binding) or molecules (ADME)' }),
  }),
});
