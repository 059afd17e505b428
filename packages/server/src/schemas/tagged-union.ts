import { type TSchemaOptions, type Static, type TLiteral, type TObject, type TUnion, Type } from 'typebox';

type TaggedVariant = TObject<{ type: TLiteral<string> } & Record<string, any>>;

/**
 * A union of objects told apart by their `type` field, e.g. the six entity kinds of a
 * structure-and-binding input. Emitted as `oneOf` + OpenAPI `discriminator`, which the body
 * validator honours (plugins/validation.ts), so only the variant named by `type` is checked and
 * an error points inside it (`input.entities[1].chain_ids[0] must be string`) rather than at
 * every variant. The `type` enum beside it makes an unknown tag read
 * `input.entities[1].type must be one of "protein", "rna", …`.
 */
export function TaggedUnion<Variants extends TaggedVariant[]>(variants: [...Variants], options: TSchemaOptions = {}) {
  return Type.Unsafe<Static<TUnion<Variants>>>({
    ...options,
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string', enum: variants.map((variant) => variant.properties.type.const) } },
    discriminator: { propertyName: 'type' },
    oneOf: variants,
  });
}
