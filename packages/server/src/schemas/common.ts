import { type TSchema, Type } from 'typebox';

export const DateTime = (description: string) =>
  Type.String({ format: 'date-time', description, examples: ['2026-04-08T18:56:46.123Z'] });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable machine-readable error code', examples: ['not_found'] }),
    message: Type.String({ description: 'One human-readable sentence', examples: ['Workspace ws_… not found'] }),
    details: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Messages keyed by input path, e.g. `limit` or `input.entities[1].chain_ids[0]`' }),
    ),
  },
  { $id: 'Error', description: 'Every non-2xx response has this body' },
);

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, Type.Ref('Error')]));

export const CursorPageQuery = {
  after_id: Type.Optional(Type.String({ minLength: 1, description: 'Return the items after this id (in list order)' })),
  before_id: Type.Optional(Type.String({ minLength: 1, description: 'Return the items before this id (in list order)' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 100, description: 'Page size, 1–100' }),
};

export const CursorPage = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    first_id: Nullable(Type.String({ description: 'Id of the first item of `data`' })),
    last_id: Nullable(Type.String({ description: 'Id of the last item of `data`' })),
    has_more: Type.Boolean({ description: 'Whether more items exist in the direction of travel' }),
  });
