import { type Static, Type } from 'typebox';
import { IdempotencyKey, WorkspaceId } from '../common/start-fields.ts';

/**
 * Request schema of an ADME prediction (spec/API.md §9). A SMILES that does not parse is not a
 * request error: that molecule fails on its own in the output.
 */
export const MAX_ADME_MOLECULES = 128;

export const AdmeMolecule = Type.Object(
  {
    smiles: Type.String({ minLength: 1, description: 'SMILES of the molecule', examples: ['CC(=O)Oc1ccccc1C(=O)O'] }),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Client identifier, unique within the request; returned as `external_id`', examples: ['aspirin'] })),
  },
  { additionalProperties: false },
);

export const AdmeInput = Type.Object(
  {
    molecules: Type.Array(AdmeMolecule, {
      minItems: 1,
      maxItems: MAX_ADME_MOLECULES,
      description: 'Molecules to score (1–128); results come back in this order',
    }),
  },
  { additionalProperties: false, description: 'The molecules to score' },
);
export type AdmeInput = Static<typeof AdmeInput>;

export const AdmeStartBody = Type.Object(
  {
    model: Type.Literal('adme-v1', { description: 'Model to use; the only value' }),
    input: AdmeInput,
    idempotency_key: Type.Optional(IdempotencyKey),
    workspace_id: Type.Optional(WorkspaceId),
  },
  { additionalProperties: false, description: 'Start (or estimate) an ADME prediction' },
);
export type AdmeStartBody = Static<typeof AdmeStartBody>;
