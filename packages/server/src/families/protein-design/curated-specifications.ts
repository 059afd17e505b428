import { Type } from 'typebox';
import { CURATED_BINDERS } from '@boltz/engines';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';

const Query = Type.Object(
  { type: Type.Unsafe<'nanobody' | 'antibody'>({ type: 'string', enum: ['nanobody', 'antibody'], description: 'Curated binder library to list' }) },
  { additionalProperties: false },
);

const Response = Type.Object({
  data: Type.Array(
    Type.Object({
      name: Type.String({ description: 'Name of the curated scaffold' }),
      binder_specification: Type.Unknown({ description: 'A binder specification usable as `binder_specification` of a design request' }),
    }),
  ),
});

/** A scaffold as a `no_template` binder specification: its frameworks fixed, its CDRs in the sequence DSL. */
function specificationOf(type: 'nanobody' | 'antibody', scaffold: (typeof CURATED_BINDERS)['boltz_nanobody'][number]) {
  return {
    name: scaffold.name,
    binder_specification: {
      type: 'no_template',
      modality: type,
      entities: scaffold.chains.map((chain) => ({
        type: 'designed_protein',
        chain_ids: [chain.id],
        value: chain.segments.map((segment) => (segment.kind === 'fixed' ? segment.sequence : segment.min === segment.max ? String(segment.min) : `${segment.min}..${segment.max}`)).join(''),
      })),
    },
  };
}

/**
 * `GET /compute/v1/protein/design/curated-specifications?type=nanobody|antibody` (spec/API.md §10):
 * the scaffolds that `boltz_curated` samples from, each as a binder specification a client can
 * adapt and submit itself.
 */
export default function listCuratedSpecifications(app: App) {
  app.get(
    '/compute/v1/protein/design/curated-specifications',
    {
      schema: {
        operationId: 'protein.design.listCuratedSpecifications',
        summary: 'List the curated nanobody or antibody binder specifications',
        tags: ['Protein design'],
        querystring: Query,
        response: { 200: Response, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const type = request.query.type;
      return { data: CURATED_BINDERS[type === 'nanobody' ? 'boltz_nanobody' : 'boltz_antibody'].map((scaffold) => specificationOf(type, scaffold)) };
    },
  );
}
