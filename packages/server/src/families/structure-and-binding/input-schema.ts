import { type Static, Type } from 'typebox';
import { TaggedUnion } from '../../schemas/tagged-union.ts';
import { MSA_MEDIA_TYPES, STRUCTURE_MEDIA_TYPES, fileInputOf } from '../common/file-input.ts';
import { IdempotencyKey, WorkspaceId } from '../common/start-fields.ts';

/**
 * Request schema of a structure-and-binding prediction (spec/API.md §8, §8.1; field names as in
 * the official SDK). The schema holds the shape and the documented limits (→ 400 `VALIDATION_ERROR`);
 * rules that relate fields to each other — chain references, residue ranges, letters, SMILES,
 * MSA and binding rules — are in check-input.ts (→ 422 `VALIDATION_ERROR`). Every object is
 * closed (`additionalProperties: false`), so a misspelt field is reported instead of ignored.
 */

export const MAX_SAMPLES = 10;
export const MAX_TEMPLATES = 4;
/**
 * Our cap on entities per request (the spec names none): far more distinct molecules than any
 * complex the engines can fold within MAX_STRUCTURE_TOKENS, and a bound on the per-entity work
 * (checks, file inputs) one request can ask for.
 */
export const MAX_ENTITIES = 256;

const closed = { additionalProperties: false } as const;

const ChainId = (description: string) => Type.String({ minLength: 1, description, examples: ['A'] });
const ChainIds = (description: string) => Type.Array(ChainId('Chain ID'), { minItems: 1, description, examples: [['A', 'B']] });
const ResidueIndex = (description = '0-based residue index') => Type.Integer({ minimum: 0, description, examples: [11] });

const Modification = Type.Object(
  {
    type: Type.Literal('ccd', { description: 'Modification format. Only CCD codes are supported; SMILES modifications are not accepted.' }),
    residue_index: ResidueIndex('0-based index of the residue to modify (below the sequence length)'),
    value: Type.String({ minLength: 1, description: "CCD code of the modified residue, e.g. 'SEP' (phosphoserine) or 'MSE' (selenomethionine)", examples: ['SEP'] }),
  },
  { ...closed, description: 'Polymer residue modification by CCD code' },
);
const Modifications = Type.Array(Modification, { description: 'CCD residue modifications; default none' });
const Cyclic = Type.Boolean({ description: 'Whether the polymer is cyclic; default false', default: false });

const Msa = TaggedUnion(
  [
    Type.Object(
      {
        type: Type.Literal('custom'),
        format: Type.Enum(['a3m', 'csv'], { description: 'MSA file format; base64 uploads use media type text/x-a3m (a3m) or text/csv (csv)' }),
        source: fileInputOf(Object.values(MSA_MEDIA_TYPES), { description: 'The MSA file' }),
      },
      { ...closed, description: 'A user-provided MSA. If any protein uses one, every protein must use custom or empty.' },
    ),
    Type.Object({ type: Type.Literal('empty') }, { ...closed, description: 'Single-sequence mode: no MSA for this protein' }),
  ],
  { description: 'MSA control. Omit on every protein for automatic MSAs; automatic and custom cannot be mixed in one request.' },
);

const ProteinEntity = Type.Object(
  {
    type: Type.Literal('protein'),
    chain_ids: ChainIds('Chain IDs of the identical copies of this protein'),
    value: Type.String({ minLength: 1, description: 'Amino-acid sequence in upper-case one-letter codes (the 20 standard amino acids; X for unknown)', examples: ['MKTAYIAKQRQISFVKSHFSRQ'] }),
    cyclic: Type.Optional(Cyclic),
    modifications: Type.Optional(Modifications),
    msa: Type.Optional(Msa),
  },
  { ...closed, description: 'A protein chain (one entity per distinct sequence; copies through chain_ids)' },
);

const nucleicAcid = (type: 'rna' | 'dna', letters: string, example: string) =>
  Type.Object(
    {
      type: Type.Literal(type),
      chain_ids: ChainIds(`Chain IDs of the identical copies of this ${type.toUpperCase()}`),
      value: Type.String({ minLength: 1, description: `${type.toUpperCase()} sequence (${letters})`, examples: [example] }),
      cyclic: Type.Optional(Cyclic),
      modifications: Type.Optional(Modifications),
    },
    { ...closed, description: `An ${type.toUpperCase()} chain` },
  );
const RnaEntity = nucleicAcid('rna', 'A, C, G, U, N', 'GGCGCUUAGC');
const DnaEntity = nucleicAcid('dna', 'A, C, G, T, N', 'ATGCGTACGT');

const LigandCcdEntity = Type.Object(
  {
    type: Type.Literal('ligand_ccd'),
    chain_ids: ChainIds('Chain IDs of the identical copies of this ligand'),
    value: Type.String({ minLength: 1, description: 'Exactly one CCD code, e.g. ATP; use a glycan entity for connected CCD residues', examples: ['ATP'] }),
  },
  { ...closed, description: 'A ligand from the PDB Chemical Component Dictionary' },
);

const LigandSmilesEntity = Type.Object(
  {
    type: Type.Literal('ligand_smiles'),
    chain_ids: ChainIds('Chain IDs of the identical copies of this ligand'),
    value: Type.String({ minLength: 1, description: 'SMILES of the ligand; atom maps such as [C:7] name atoms for bonds and contacts', examples: ['CC(=O)Oc1ccccc1C(=O)O'] }),
  },
  { ...closed, description: 'A ligand given as SMILES' },
);

const GlycanAtom = Type.Object(
  {
    residue_id: Type.String({ minLength: 1, description: 'ID of a residue of this glycan', examples: ['r1'] }),
    atom_id: Type.String({ minLength: 1, description: 'Atom identifier from the residue CCD entry (_chem_comp_atom.atom_id)', examples: ['O4'] }),
  },
  closed,
);

const GlycanEntity = Type.Object(
  {
    type: Type.Literal('glycan'),
    chain_ids: ChainIds('Chain IDs of the identical copies of this glycan'),
    residues: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, description: 'Request-local residue ID, unique within the glycan', examples: ['r1'] }),
          ccd: Type.String({ minLength: 1, description: 'CCD code of the monosaccharide, e.g. NAG, BMA, FUC', examples: ['NAG'] }),
        },
        closed,
      ),
      { minItems: 1, description: 'The monosaccharide residues; their order is not part of their identity' },
    ),
    bonds: Type.Array(Type.Object({ atom1: GlycanAtom, atom2: GlycanAtom }, { ...closed, description: 'Covalent bond between two residues of the glycan' }), {
      description: 'Internal bonds connecting the residues; [] for a single residue',
    }),
  },
  { ...closed, description: 'A branched glycan: CCD monosaccharides and the bonds between them' },
);

export const Entity = TaggedUnion([ProteinEntity, RnaEntity, DnaEntity, LigandCcdEntity, LigandSmilesEntity, GlycanEntity], {
  description: 'One molecule kind of the complex, with one chain ID per copy',
});

const Binding = TaggedUnion(
  [
    Type.Object(
      {
        type: Type.Literal('ligand_protein_binding'),
        binder_chain_id: ChainId('Chain ID of the ligand binder: a single-copy ligand of at most 2048 heavy atoms, in a request of proteins and ligands only'),
      },
      { ...closed, description: 'Ligand–protein binding metrics (binding confidence and optimization score)' },
    ),
    Type.Object(
      {
        type: Type.Literal('protein_protein_binding'),
        binder_chain_ids: Type.Array(ChainId('Chain ID of a protein binder'), { minItems: 1, description: 'Protein binder chains; at least one other protein chain stays as target' }),
      },
      { ...closed, description: 'Protein–protein binding confidence' },
    ),
  ],
  { description: 'Request binding metrics; omit when only the structure is wanted' },
);

const BondAtom = TaggedUnion(
  [
    Type.Object(
      {
        type: Type.Literal('polymer_atom'),
        chain_id: ChainId('Chain ID of a protein, RNA or DNA chain'),
        residue_index: ResidueIndex(),
        atom_name: Type.String({ minLength: 1, description: 'Standard atom name of the residue, e.g. SG of a cysteine', examples: ['SG'] }),
      },
      closed,
    ),
    Type.Object(
      {
        type: Type.Literal('ccd_atom'),
        chain_id: ChainId('Chain ID of a glycan'),
        residue_id: Type.String({ minLength: 1, description: 'Residue ID declared by the glycan', examples: ['r1'] }),
        atom_id: Type.String({ minLength: 1, description: 'Atom identifier from the residue CCD entry', examples: ['C1'] }),
      },
      { ...closed, description: 'An atom of a glycan residue' },
    ),
    Type.Object(
      {
        type: Type.Literal('smiles_atom'),
        chain_id: ChainId('Chain ID of a SMILES ligand'),
        atom_map: Type.Integer({ minimum: 1, description: 'Atom-map number in the SMILES ([C:7] → 7)', examples: [7] }),
      },
      { ...closed, description: 'An atom of a SMILES ligand, by its atom map' },
    ),
    Type.Object(
      {
        type: Type.Literal('ligand_atom'),
        chain_id: ChainId('Chain ID of a ligand'),
        atom_name: Type.String({ minLength: 1, description: 'CCD atom name; for SMILES the atom-map label ([C:1] → C1)', examples: ['C4'] }),
      },
      { ...closed, description: 'An atom of a single-residue ligand by name' },
    ),
  ],
  { description: 'One end of a covalent bond' },
);

const Bond = Type.Object({ atom1: BondAtom, atom2: BondAtom }, { ...closed, description: 'Covalent bond between atoms of two chains (or within one); internal glycan bonds belong in the glycan entity' });

const MaxDistance = Type.Number({ minimum: 4, maximum: 20, description: 'Maximum distance in Å (4–20; typically 4–8)', examples: [6] });
const Force = Type.Boolean({ description: 'Whether to enforce the constraint with a potential; default false', default: false });

const ContactToken = TaggedUnion(
  [
    Type.Object({ type: Type.Literal('polymer_contact'), chain_id: ChainId('Chain ID of a polymer'), residue_index: ResidueIndex() }, closed),
    Type.Object(
      {
        type: Type.Literal('ligand_contact'),
        chain_id: ChainId('Chain ID of a ligand'),
        atom_name: Type.String({ minLength: 1, description: 'CCD atom name; for SMILES the atom-map label ([C:1] → C1)', examples: ['C3'] }),
      },
      closed,
    ),
  ],
  { description: 'A polymer residue or a ligand atom' },
);

const Constraint = TaggedUnion(
  [
    Type.Object(
      {
        type: Type.Literal('pocket'),
        binder_chain_id: ChainId('Chain ID of the binder'),
        contact_residues: Type.Record(Type.String(), Type.Array(ResidueIndex(), { minItems: 1 }), {
          minProperties: 1,
          description: 'Pocket residues: 0-based residue indices keyed by polymer chain ID',
          examples: [{ A: [40, 44, 87] }],
        }),
        max_distance_angstrom: MaxDistance,
        force: Type.Optional(Force),
      },
      { ...closed, description: 'Keep the binder within max_distance_angstrom of the pocket residues' },
    ),
    Type.Object(
      {
        type: Type.Literal('contact'),
        token1: ContactToken,
        token2: ContactToken,
        max_distance_angstrom: MaxDistance,
        force: Type.Optional(Force),
      },
      { ...closed, description: 'Keep two residues or ligand atoms within max_distance_angstrom' },
    ),
  ],
  { description: 'A structural constraint' },
);

const ModelOptions = Type.Object(
  {
    recycling_steps: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3, description: 'Recycling steps, 1–10; default 3' })),
    sampling_steps: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'Diffusion sampling steps, 1–1000; default 200' })),
    step_scale: Type.Optional(Type.Number({ minimum: 1.3, maximum: 2, default: 1.638, description: 'Diffusion step scale, 1.3–2.0; higher gives more diverse samples; default 1.638' })),
  },
  { ...closed, description: 'Model settings' },
);

const Template = Type.Object(
  {
    template_structure: fileInputOf(STRUCTURE_MEDIA_TYPES, { description: 'The template structure: mmCIF or PDB' }),
    template_chains: Type.Array(
      Type.Object(
        {
          input_chain_id: ChainId('Protein chain ID in this request'),
          template_chain_id: Type.String({ minLength: 1, description: 'Chain ID in the template file', examples: ['A'] }),
        },
        closed,
      ),
      { minItems: 1, description: 'Request-to-template chain mapping; each ID at most once per template' },
    ),
    force_threshold_angstroms: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Force the template with this distance threshold (Å); omit to use it unforced', examples: [2] })),
  },
  { ...closed, description: 'A structure guiding the geometry of protein chains' },
);

export const StructureAndBindingInput = Type.Object(
  {
    entities: Type.Array(Entity, { minItems: 1, maxItems: MAX_ENTITIES, description: `The molecules of the complex (1–${MAX_ENTITIES}); order sets chain assignment; chain IDs unique across the request` }),
    binding: Type.Optional(Binding),
    bonds: Type.Optional(Type.Array(Bond, { description: 'Request-level covalent bonds, e.g. a glycan attached to an asparagine' })),
    constraints: Type.Optional(Type.Array(Constraint, { description: 'Pocket and contact constraints' })),
    model_options: Type.Optional(ModelOptions),
    num_samples: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SAMPLES, default: 1, description: 'Number of structure samples, 1–10; default 1', examples: [1] })),
    templates: Type.Optional(Type.Array(Template, { maxItems: MAX_TEMPLATES, description: 'Up to 4 template structures for protein chains' })),
  },
  { ...closed, description: 'The complex to predict' },
);
export type StructureAndBindingInput = Static<typeof StructureAndBindingInput>;

export const StructureAndBindingStartBody = Type.Object(
  {
    model: Type.Literal('boltz-2.1', { description: 'Model to use; the only value' }),
    input: StructureAndBindingInput,
    idempotency_key: Type.Optional(IdempotencyKey),
    workspace_id: Type.Optional(WorkspaceId),
  },
  { ...closed, description: 'Start (or estimate) a structure-and-binding prediction' },
);
export type StructureAndBindingStartBody = Static<typeof StructureAndBindingStartBody>;
