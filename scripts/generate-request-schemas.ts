/**
 * Generates the request schemas of the pipeline families from the official SDK's types
 * (`node_modules/boltz-api/src/resources/`, the final word on field names and shapes), so that
 * validation, the OpenAPI document and the TypeScript types all come from one source and follow
 * the SDK when it is upgraded: `npm run generate:schemas`.
 *
 * The SDK's types say less than a validator needs; the generator adds what the wire contract
 * implies (spec/API.md §1, §3.1, §10):
 * - every object is closed (`additionalProperties: false`), so a misspelt field is reported;
 * - unions whose variants carry a tag (`type`, or `chain_type`) become tagged unions (`oneOf` +
 *   `discriminator`, as TaggedUnion in packages/server/src/schemas/tagged-union.ts), so errors
 *   point inside the variant the tag names; a union of tagged variants plus one untagged variant (the legacy
 *   protein-design body, the binder without `type`) becomes `if type is present then … else …`;
 * - counts and indices are integers (the SDK types every number as `number`): see INTEGER_FIELDS.
 * Limits that are documented in prose (e.g. `num_proteins` 10–1,000,000) are added by each
 * family's start-body.ts, where they can be read beside the family's other rules.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

type Schema = Record<string, any>;

const ROOT = new URL('..', import.meta.url).pathname;
const RESOURCES = join(ROOT, 'node_modules/boltz-api/src/resources');

/** Family folder in packages/server/src/families/ ← SDK file and start-params type. */
const TARGETS = [
  { family: 'protein-design', file: 'protein/design.ts', type: 'DesignStartParams' },
  { family: 'protein-library-screen', file: 'protein/library-screen.ts', type: 'LibraryScreenStartParams' },
  { family: 'protein-sequence-redesign', file: 'protein/sequence-redesign.ts', type: 'SequenceRedesignStartParams' },
  { family: 'small-molecule-design', file: 'small-molecule/design.ts', type: 'DesignStartParams' },
  { family: 'small-molecule-library-screen', file: 'small-molecule/library-screen.ts', type: 'LibraryScreenStartParams' },
  { family: 'small-molecule-explore', file: 'small-molecule/explore.ts', type: 'ExploreStartParams' },
];

/**
 * Properties whose numbers are whole: counts, residue and atom indices, design lengths. Keyed by
 * property name; `items` means the property is an array of integers.
 */
const INTEGER_FIELDS: Record<string, 'value' | 'items'> = {
  num_proteins: 'value',
  num_molecules: 'value',
  budget: 'value',
  residue_index: 'value',
  start_index: 'value',
  end_index: 'value',
  after_residue_index: 'value',
  atom_map: 'value',
  crop_residues: 'items',
  residues: 'items',
  contact_residues: 'items',
  epitope_residues: 'items',
  non_binding_residues: 'items',
  flexible_residues: 'items',
  pocket_residues: 'items',
};

function makeIntegers(schema: Schema, name: string | undefined, kind: 'value' | 'items' | undefined): void {
  if (kind === 'value' && schema.type === 'number') schema.type = 'integer';
  if (kind === 'items' && schema.type === 'array' && schema.items?.type === 'number') schema.items.type = 'integer';
  // Residue maps keyed by chain id: `{A: [0, 1]}`.
  if (kind === 'items' && schema.type === 'object' && schema.additionalProperties?.items?.type === 'number') schema.additionalProperties.items.type = 'integer';
  void name;
}

/**
 * The property that tells a union's object variants apart: `type`, or another (`chain_type`,
 * `role`) every variant fixes to a different value — sequence redesign's binder entities are all
 * `type: "from_template"` and differ by `role`.
 */
function discriminatorOf(variants: Schema[]): string | undefined {
  const fixed = (variant: Schema) => (variant.type === 'object' ? Object.keys(variant.properties ?? {}).filter((key) => variant.properties[key].const !== undefined && variant.required?.includes(key)) : []);
  const distinct = (key: string) => new Set(variants.map((variant) => variant.properties[key].const)).size === variants.length;
  const common = variants.map(fixed).reduce((a, b) => a.filter((key) => b.includes(key))).filter(distinct);
  return common.includes('type') ? 'type' : common[0];
}

const tagOf = (variant: Schema, tag = 'type'): string | undefined => (variant.type === 'object' ? variant.properties?.[tag]?.const : undefined);

function taggedUnion(variants: Schema[], tag: string, description?: string): Schema {
  return {
    ...(description ? { description } : {}),
    type: 'object',
    required: [tag],
    properties: { [tag]: { type: 'string', enum: variants.map((variant) => tagOf(variant, tag)) } },
    discriminator: { propertyName: tag },
    oneOf: variants,
  };
}

/** Rewrites unions and integers in place, depth first. */
function refine(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map(refine) as unknown as Schema;
  if (schema === null || typeof schema !== 'object') return schema;
  for (const key of Object.keys(schema)) {
    const value = schema[key];
    if (key === 'properties') {
      for (const [name, property] of Object.entries<Schema>(value)) {
        value[name] = refine(property);
        makeIntegers(value[name], name, INTEGER_FIELDS[name]);
      }
    } else if (value !== null && typeof value === 'object') {
      schema[key] = refine(value);
    }
  }
  if (Array.isArray(schema.anyOf)) {
    const variants: Schema[] = schema.anyOf;
    const { anyOf: _, description, ...rest } = schema;
    const tag = variants.length > 1 ? discriminatorOf(variants) : undefined;
    if (tag) return { ...rest, ...taggedUnion(variants, tag, description) };
    const tagged = variants.filter((variant) => tagOf(variant) !== undefined);
    const untagged = variants.filter((variant) => tagOf(variant) === undefined);
    if (tagged.length > 0 && untagged.length === 1 && untagged[0].type === 'object') {
      return {
        ...rest,
        ...(description ? { description } : {}),
        type: 'object',
        if: { required: ['type'] },
        then: tagged.length === 1 ? tagged[0] : taggedUnion(tagged, 'type'),
        else: untagged[0],
      };
    }
  }
  return schema;
}

for (const target of TARGETS) {
  const generator = createGenerator({
    path: join(RESOURCES, target.file),
    type: target.type,
    expose: 'none',
    topRef: false,
    jsDoc: 'extended',
    skipTypeCheck: true,
    additionalProperties: false,
  });
  const { $schema: _, ...schema } = refine(generator.createSchema(target.type));
  const out = join(ROOT, 'packages/server/src/families', target.family, 'start-body.schema.json');
  // JSON has no comments: the provenance travels as the schema's own `$comment`.
  const document = { $comment: `Generated by scripts/generate-request-schemas.ts from boltz-api's ${target.type} (${target.file}). Do not edit.`, ...schema };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 1)}\n`);
  console.log(`${out}: ${JSON.stringify(schema).length} bytes`);
}
