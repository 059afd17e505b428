import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorObject } from 'ajv';
import { newAjv, validationFailure } from '../../plugins/validation.ts';
import { STRUCTURE_AND_BINDING_EXAMPLES, crambinWithTemplates, glycosylatedFc, krasCovalentInhibitor, proteaseWithInhibitor } from './examples.ts';
import { StructureAndBindingStartBody } from './input-schema.ts';

// Compiled exactly as the server compiles request bodies (plugins/validation.ts).
const validate = newAjv(false).compile(StructureAndBindingStartBody);

/** The 400 body the server would answer, or undefined when the body is valid. */
function badRequest(body: unknown) {
  if (validate(body)) return undefined;
  const error = validationFailure(validate.errors as ErrorObject[], 'body');
  assert.equal(error.statusCode, 400);
  return error.toBody();
}

const startBody = (input: unknown) => ({ model: 'boltz-2.1', input });

function withInput(change: (input: any) => void, example: object = proteaseWithInhibitor) {
  const input = structuredClone(example);
  change(input);
  return startBody(input);
}

/** Asserts the first reported problem: the message is `<path> <text>` and details holds it. */
function assertRejected(body: unknown, path: string, text: string): void {
  const answer = badRequest(body);
  assert.ok(answer, 'expected a 400');
  assert.equal(answer.code, 'VALIDATION_ERROR');
  assert.equal(answer.message, `${path} ${text}`);
  assert.equal(answer.details?.[path], text);
}

describe('StructureAndBindingStartBody', () => {
  it('accepts every example, with or without idempotency key and workspace', () => {
    for (const [name, input] of Object.entries(STRUCTURE_AND_BINDING_EXAMPLES)) assert.equal(badRequest(startBody(input)), undefined, name);
    const full = { ...startBody(proteaseWithInhibitor), idempotency_key: 'k'.repeat(255), workspace_id: 'ws_2X7Ab9Cd3Ef6Gh1JkLmN' };
    assert.equal(badRequest(full), undefined);
  });

  it('requires model boltz-2.1 and an input', () => {
    assertRejected({ input: proteaseWithInhibitor }, 'model', 'is required');
    assertRejected({ ...startBody(proteaseWithInhibitor), model: 'boltz-2' }, 'model', 'must be "boltz-2.1"');
    assertRejected({ model: 'boltz-2.1' }, 'input', 'is required');
    assertRejected(startBody(null), 'input', 'must be object');
  });

  it('limits idempotency keys to 1–255 characters', () => {
    assertRejected({ ...startBody(proteaseWithInhibitor), idempotency_key: '' }, 'idempotency_key', 'must not be empty');
    assertRejected({ ...startBody(proteaseWithInhibitor), idempotency_key: 'k'.repeat(256) }, 'idempotency_key', 'must be at most 255 characters long');
  });

  it('rejects unknown fields at every level, naming them', () => {
    assertRejected({ ...startBody(proteaseWithInhibitor), priority: 'high' }, 'priority', 'is not a recognised field');
    assertRejected(withInput((i) => (i.samples = 3)), 'input.samples', 'is not a recognised field');
    assertRejected(withInput((i) => (i.entities[0].sequence = 'MK')), 'input.entities[0].sequence', 'is not a recognised field');
    assertRejected(withInput((i) => (i.entities[1].msa = { type: 'empty' })), 'input.entities[1].msa', 'is not a recognised field');
    assertRejected(withInput((i) => (i.binding.binder_chain_ids = ['L'])), 'input.binding.binder_chain_ids', 'is not a recognised field');
    assertRejected(withInput((i) => (i.model_options = { seed: 1 })), 'input.model_options.seed', 'is not a recognised field');
  });

  describe('tagged unions report inside the variant that `type` names', () => {
    it('entities', () => {
      assertRejected(withInput((i) => (i.entities[1].chain_ids[0] = 7)), 'input.entities[1].chain_ids[0]', 'must be string');
      assertRejected(withInput((i) => delete i.entities[0].value), 'input.entities[0].value', 'is required');
      assertRejected(withInput((i) => delete i.entities[0].type), 'input.entities[0].type', 'is required');
      assertRejected(
        withInput((i) => (i.entities[1].type = 'small_molecule')),
        'input.entities[1].type',
        'must be one of "protein", "rna", "dna", "ligand_ccd", "ligand_smiles", "glycan"',
      );
      assertRejected(withInput((i) => (i.entities[1].glycan = true), glycosylatedFc), 'input.entities[1].glycan', 'is not a recognised field');
      assertRejected(withInput((i) => (i.entities[1].residues[0].ccd = 5), glycosylatedFc), 'input.entities[1].residues[0].ccd', 'must be string');
    });

    it('bond atoms, contact tokens, binding, MSAs and file sources', () => {
      assertRejected(withInput((i) => (i.bonds[0].atom2.atom_map = '1'), krasCovalentInhibitor), 'input.bonds[0].atom2.atom_map', 'must be integer');
      assertRejected(withInput((i) => (i.bonds[0].atom2.type = 'atom'), krasCovalentInhibitor), 'input.bonds[0].atom2.type', 'must be one of "polymer_atom", "ccd_atom", "smiles_atom", "ligand_atom"');
      assertRejected(withInput((i) => delete i.constraints[0].token2.residue_index, krasCovalentInhibitor), 'input.constraints[0].token2.residue_index', 'is required');
      assertRejected(withInput((i) => (i.binding = { type: 'protein_protein_binding', binder_chain_id: 'L' })), 'input.binding.binder_chain_ids', 'is required');
      assertRejected(withInput((i) => (i.entities[0].msa.format = 'fasta'), crambinWithTemplates), 'input.entities[0].msa.format', 'must be one of "a3m", "csv"');
      assertRejected(withInput((i) => (i.entities[0].msa.source.media_type = 'text/plain'), crambinWithTemplates), 'input.entities[0].msa.source.media_type', 'must be one of "text/x-a3m", "text/csv"');
      assertRejected(
        withInput((i) => (i.templates[0].template_structure.media_type = 'text/csv'), crambinWithTemplates),
        'input.templates[0].template_structure.media_type',
        'must be one of "chemical/x-cif", "chemical/x-pdb"',
      );
      assertRejected(withInput((i) => (i.templates[1].template_structure = { type: 'url' }), crambinWithTemplates), 'input.templates[1].template_structure.url', 'is required');
    });
  });

  it('accepts only CCD modifications', () => {
    const body = withInput((i) => (i.entities[0].modifications = [{ type: 'smiles', residue_index: 0, value: 'OP(=O)(O)O' }]));
    assertRejected(body, 'input.entities[0].modifications[0].type', 'must be "ccd"');
  });

  describe('documented limits', () => {
    it('num_samples 1–10, integer', () => {
      assertRejected(withInput((i) => (i.num_samples = 11)), 'input.num_samples', 'must be at most 10');
      assertRejected(withInput((i) => (i.num_samples = 0)), 'input.num_samples', 'must be at least 1');
      assertRejected(withInput((i) => (i.num_samples = 2.5)), 'input.num_samples', 'must be integer');
    });

    it('at most 4 templates, each mapping at least one chain', () => {
      const fiveTemplates = withInput((i) => (i.templates = [0, 1, 2, 3, 4].map(() => structuredClone(i.templates[1]))), crambinWithTemplates);
      assertRejected(fiveTemplates, 'input.templates', 'must contain at most 4 items');
      assertRejected(withInput((i) => (i.templates[0].template_chains = []), crambinWithTemplates), 'input.templates[0].template_chains', 'must contain at least 1 item');
      assertRejected(withInput((i) => (i.templates[0].force_threshold_angstroms = 0), crambinWithTemplates), 'input.templates[0].force_threshold_angstroms', 'must be greater than 0');
    });

    it('model options within the server caps', () => {
      assertRejected(withInput((i) => (i.model_options = { recycling_steps: 11 })), 'input.model_options.recycling_steps', 'must be at most 10');
      assertRejected(withInput((i) => (i.model_options = { sampling_steps: 1001 })), 'input.model_options.sampling_steps', 'must be at most 1000');
      assertRejected(withInput((i) => (i.model_options = { step_scale: 1.2 })), 'input.model_options.step_scale', 'must be at least 1.3');
      assertRejected(withInput((i) => (i.model_options = { step_scale: 2.01 })), 'input.model_options.step_scale', 'must be at most 2');
    });

    it('constraint distances 4–20 Å and non-empty pockets', () => {
      assertRejected(withInput((i) => (i.constraints[0].max_distance_angstrom = 3.9)), 'input.constraints[0].max_distance_angstrom', 'must be at least 4');
      assertRejected(withInput((i) => (i.constraints[0].max_distance_angstrom = 20.5)), 'input.constraints[0].max_distance_angstrom', 'must be at most 20');
      assertRejected(withInput((i) => (i.constraints[0].contact_residues = {})), 'input.constraints[0].contact_residues', 'must have at least 1 entry');
      assertRejected(withInput((i) => (i.constraints[0].contact_residues = { A: [] })), 'input.constraints[0].contact_residues.A', 'must contain at least 1 item');
      assertRejected(withInput((i) => (i.constraints[0].contact_residues = { A: [3, -1] })), 'input.constraints[0].contact_residues.A[1]', 'must be at least 0');
    });

    it('at least one entity, one chain ID each, non-empty strings, non-negative indices', () => {
      assertRejected(withInput((i) => (i.entities = [])), 'input.entities', 'must contain at least 1 item');
      assertRejected(withInput((i) => (i.entities[0].chain_ids = [])), 'input.entities[0].chain_ids', 'must contain at least 1 item');
      assertRejected(withInput((i) => (i.entities[1].value = '')), 'input.entities[1].value', 'must not be empty');
      assertRejected(withInput((i) => (i.bonds[0].atom1.residue_index = -1), krasCovalentInhibitor), 'input.bonds[0].atom1.residue_index', 'must be at least 0');
      assertRejected(withInput((i) => (i.bonds[0].atom2.atom_map = 0), krasCovalentInhibitor), 'input.bonds[0].atom2.atom_map', 'must be at least 1');
    });
  });
});
