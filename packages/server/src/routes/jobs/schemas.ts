import { type TSchema, Type } from 'typebox';
import type { JobStatus } from '@boltz/shared';
import type { Family, PipelineFamily, PredictionFamily } from '../../families/family.ts';
import { CursorPageQuery, DateTime, Nullable } from '../../schemas/common.ts';

/** Response shapes of spec/API.md §7–§10 (field names final in the boltz-api SDK). */
const JobError = Type.Object(
  {
    code: Type.String({ description: 'Stable error code', examples: ['engine_failed'] }),
    message: Type.String({ description: 'One human-readable sentence' }),
    details: Type.Optional(Type.Unknown({ description: 'Messages keyed by input path' })),
  },
  { description: 'Why the job failed' },
);

const PREDICTION_STATUS = ['pending', 'running', 'succeeded', 'failed'] as const;
const PIPELINE_STATUS = [...PREDICTION_STATUS, 'stopped'] as const;

function commonFields(family: Family) {
  const statuses = family.type === 'prediction' ? PREDICTION_STATUS : PIPELINE_STATUS;
  return {
    id: Type.String({ description: `${family.noun} id`, examples: [`${family.idPrefix}2X7Ab9Cd3Ef6Gh1JkLmN`] }),
    status: Type.Unsafe<JobStatus>({
      type: 'string',
      enum: [...statuses],
      description: family.type === 'prediction' ? 'pending → running → succeeded | failed' : 'pending → running → succeeded | failed; stopped by `stop`, resumed by `resume`',
    }),
    livemode: Type.Boolean({ description: 'false for test-mode (synthetic, free) jobs' }),
    workspace_id: Type.String({ description: 'Workspace the job belongs to' }),
    created_at: DateTime('When the job was created'),
    started_at: Nullable(DateTime('When it first entered `running`')),
    completed_at: Nullable(DateTime('When it entered `succeeded` or `failed`')),
    data_deleted_at: Nullable(DateTime('When its input, output, results and files were deleted')),
    error: Nullable(JobError),
    idempotency_key: Type.Optional(Type.String({ description: 'Echo of the idempotency key given at start' })),
  };
}

function predictionFields(family: PredictionFamily) {
  return {
    ...commonFields(family),
    model: Type.Literal(family.model, { description: 'Model the prediction was requested with' }),
    version: Type.String({ description: 'Engine version actually used', examples: ['synthetic-1'] }),
    expires_at: Nullable(DateTime('When its data is deleted: completion + workspace retention')),
  };
}

function pipelineFields(family: PipelineFamily) {
  return {
    ...commonFields(family),
    stopped_at: Nullable(DateTime('When it was stopped; null again after resume')),
    pipeline: Type.Literal(family.pipeline, { description: 'Pipeline of the run' }),
    pipeline_version: Type.Literal(family.pipelineVersion, { description: 'Pipeline version of the run' }),
    engine: Type.Literal(family.pipeline, { description: 'Deprecated copy of `pipeline`' }),
    engine_version: Type.Literal(family.pipelineVersion, { description: 'Deprecated copy of `pipeline_version`' }),
    progress: Type.Unknown({ description: 'Progress of the run (null until known); `latest_result_id` names the newest result' }),
  };
}

/**
 * The full job resource, as `start`, `retrieve`, `stop` and `resume` answer. Typed as a plain
 * schema: its shape depends on the family, and jobs/render.ts builds it.
 */
export function JobResource(family: Family): TSchema {
  if (family.type === 'prediction') {
    return Type.Object(
      {
        ...predictionFields(family),
        input: Type.Unknown({ description: 'The request input (files as presigned URLs); null after data deletion' }),
        output: Type.Unknown({ description: 'Results, non-null only when succeeded (files as presigned URLs)' }),
      },
      { description: `A ${family.application} prediction` },
    );
  }
  return Type.Object(
    { ...pipelineFields(family), input: Type.Unknown({ description: 'The start body (files and candidate lists as presigned URLs); null after data deletion' }) },
    { description: `A ${family.noun.toLowerCase()}` },
  );
}

/** List items omit `input` and `output`; pipelines keep `progress` (spec/API.md §7.2). */
export function JobListItem(family: Family): TSchema {
  return Type.Object(family.type === 'prediction' ? predictionFields(family) : pipelineFields(family));
}

export const JobIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'Job id' }),
});

export const WorkspaceQuery = Type.Object(
  { workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Workspace the job must be in' })) },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    ...CursorPageQuery,
    workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Workspace to list (admin keys; default: the default workspace)' })),
  },
  { additionalProperties: false },
);

/** At most this many ids in one `ids` filter of `…/results` (spec/API.md §10). */
export const MAX_RESULT_IDS = 200;

export const ResultsQuery = Type.Object(
  {
    ...CursorPageQuery,
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size, 1–1000' }),
    workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Workspace the run must be in' })),
    ids: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Only these result ids: comma-separated, at most ${MAX_RESULT_IDS}; unknown ids are skipped`,
        examples: ['pres_2X7Ab9Cd3Ef6Gh1JkLmN,pres_2X7Ab9Cd3Ef6Gh1JkLmO'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const ResultItem = Type.Unknown({ description: 'One result row (shape per family in the SDK); files as presigned URLs' });

export const DeleteDataResponse = Type.Object({
  id: Type.String({ description: 'Job id' }),
  data_deleted: Type.Literal(true),
  data_deleted_at: DateTime('When the data was deleted (the first deletion, on repeats)'),
});

export const EstimateCostResponse = Type.Object({
  estimated_cost_usd: Type.String({ description: 'Total in USD, decimal string', examples: ['0.0200'] }),
  disclaimer: Type.String({ description: 'Estimate only; the final charge is based on completed work.' }),
  breakdown: Type.Object({
    application: Type.String({ description: 'Metered application', examples: ['structure_and_binding'] }),
    cost_per_unit_usd: Type.String({ description: 'USD per unit, rounded up to 4 decimals', examples: ['0.0200'] }),
    num_units: Type.Integer({ description: 'Samples (structure-and-binding), molecules (ADME), requested proteins or molecules (pipelines)' }),
  }),
});
