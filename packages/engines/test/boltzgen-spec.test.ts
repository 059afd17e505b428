import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CIF, base64, legacyPeptideBody } from './design-requests.ts';
import { type BoltzGenSpec, type InputFile, type JobInput, boltzGenAdmissionProblems, boltzGenArgs, rangesOf, toBoltzGenRedesign, toBoltzGenSpec } from '../src/index.ts';

/**
 * Golden tests of request → BoltzGen design spec and flags (spec/PIPELINE-ENGINES.md §2, §4.2 and
 * its addendum), one per family shape, and of the fields the live engine refuses at start.
 */
type Input = JobInput<'protein_design'>;

function spec(input: unknown, files: Record<string, InputFile> = {}, scaffolds?: string[]): BoltzGenSpec {
  const result = toBoltzGenSpec(input as Input, new Map(Object.entries(files)), { nanobodyScaffolds: scaffolds });
  assert.ok(!('problems' in result), JSON.stringify(result));
  return result;
}

const yamlOf = (result: BoltzGenSpec, k = 0) => parse(result.specs[k].yamlText);

function binderBody(binder: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'binder',
    num_proteins: 3,
    templates: [{ id: 'tgt', structure: base64 }],
    target: { entities: [{ type: 'from_template', template_id: 'tgt', chain_id: 'A', crop_residues: [1, 2, 3, 4, 5, 7], epitope_residues: [0, 1], non_binding_residues: [5] }] },
    binder,
    ...extra,
  };
}

describe('BoltzGen spec: request → design spec YAML and flags', () => {
  it('legacy peptide binder on a template target: file entity, epitope, avoided and flexible residues, peptide protocol', () => {
    const result = spec(legacyPeptideBody(5), { 'target.structure': CIF });
    assert.equal(result.protocol, 'peptide-anything');
    assert.equal(result.inverseFoldAvoid, 'CM');
    assert.deepEqual(result.steps, ['design', 'inverse_folding', 'folding', 'analysis']);
    assert.deepEqual(result.files.map((f) => f.name), ['tmpl_target_structure.cif']);
    assert.deepEqual(yamlOf(result), {
      entities: [
        {
          file: {
            path: 'tmpl_target_structure.cif',
            include: [{ chain: { id: 'A', res_index: '1..12' } }],
            binding_types: [{ chain: { id: 'A', binding: '3..5' } }, { chain: { id: 'A', not_binding: '10' } }],
            structure_groups: [{ group: { id: 'A', visibility: 1 } }, { group: { id: 'A', visibility: 0, res_index: '1..2' } }],
          },
        },
        { protein: { id: 'P', sequence: 'GS8..12G' } },
      ],
    });
    // PyYAML reads unquoted `ON`/`1e3` as booleans and numbers: every string is quoted.
    assert.match(result.specs[0].yamlText, /sequence: "GS8\.\.12G"/);
    assert.equal(result.postFilters[0].maxHydrophobicFraction, 0.3);
  });

  it('binder body: a cropped target keeps label_seq numbers; the default filter avoids cysteines; custom proteins use protein-anything', () => {
    const result = spec(binderBody({ modality: 'custom_protein', entities: [{ type: 'no_template', entity: { type: 'designed_protein', chain_ids: ['B'], value: '20..30' } }] }), { 'templates[0]': CIF });
    assert.equal(result.protocol, 'protein-anything');
    assert.equal(result.inverseFoldAvoid, 'C');
    assert.deepEqual(result.steps, ['design', 'inverse_folding', 'folding', 'design_folding', 'analysis']);
    const [target] = yamlOf(result).entities;
    assert.deepEqual(target.file.include, [{ chain: { id: 'A', res_index: '2..6,8' } }]);
    assert.deepEqual(target.file.binding_types, [{ chain: { id: 'A', binding: '2..3' } }, { chain: { id: 'A', not_binding: '8' } }]);
  });

  it('template binder motifs: same-length replacement → design, variable → exclude + insertion (range parser +1), insertion after a residue', () => {
    const body = binderBody(
      {
        modality: 'custom_protein',
        entities: [
          {
            type: 'from_template',
            template_id: 'tgt',
            chain_id: 'B',
            crop_residues: 'all',
            design_motifs: [
              { type: 'replacement', start_index: 0, end_index: 1, design_length_range: { min: 2, max: 2 }, filters: [] },
              { type: 'replacement', start_index: 3, end_index: 4, design_length_range: { min: 3, max: 6 }, filters: [] },
              { type: 'insertion', after_residue_index: 6, design_length_range: { min: 4, max: 4 }, filters: [] },
            ],
          },
        ],
      },
      { global_design_filters: [] },
    );
    const result = spec(body, { 'templates[0]': CIF });
    assert.equal(result.inverseFoldAvoid, '');
    assert.deepEqual(yamlOf(result).entities[1], {
      file: {
        path: 'tmpl_templates_0.cif',
        include: [{ chain: { id: 'B', res_index: '1..8' } }],
        structure_groups: [{ group: { id: 'B', visibility: 2 } }, { group: { id: 'B', visibility: 0, res_index: '1..2' } }],
        exclude: [{ chain: { id: 'B', res_index: '4..5' } }],
        design: [{ chain: { id: 'B', res_index: '1..2' } }],
        design_insertions: [{ insertion: { id: 'B', res_index: 8, num_residues: '5' } }, { insertion: { id: 'B', res_index: 4, num_residues: '4..7' } }],
        reset_res_index: [{ chain: { id: 'B' } }],
      },
    });
    assert.deepEqual(result.files.map((f) => f.name), ['tmpl_templates_0.cif'], 'one file per template, shared by target and binder');
  });

  it('curated nanobodies: BoltzGen scaffold library when configured, else the curated VHH as a DSL sequence; nanobody protocol', () => {
    const body = binderBody({ type: 'boltz_curated', binder: 'boltz_nanobody' });
    const withScaffolds = spec(body, { 'templates[0]': CIF }, ['/models/scaffolds/7eow.yaml', '/models/scaffolds/7xl0.yaml']);
    assert.equal(withScaffolds.protocol, 'nanobody-anything');
    assert.deepEqual(yamlOf(withScaffolds).entities[1], { file: { path: ['/models/scaffolds/7eow.yaml', '/models/scaffolds/7xl0.yaml'] } });
    const sequenceOnly = spec(body, { 'templates[0]': CIF });
    assert.match(yamlOf(sequenceOnly).entities[1].protein.sequence, /^QVQLQESGGGLVQAGGSLRLSCAAS6\.\.10MGWFRQAPGKEREFVA5\.\.9Y.*14\.\.27WGQGTQVTVSS$/);
  });

  it('small-molecule targets use protein-small_molecule with the affinity step; generic designs protein-anything without a target', () => {
    const ligand = spec({
      type: 'binder',
      num_proteins: 2,
      templates: [],
      target: { entities: [{ type: 'no_template', entity: { type: 'ligand_smiles', chain_ids: ['L'], value: 'CC(=O)Nc1ccc(O)cc1' } }] },
      binder: { modality: 'custom_protein', entities: [{ type: 'no_template', entity: { type: 'designed_protein', chain_ids: ['A'], value: 'MS20..30' } }] },
    });
    assert.equal(ligand.protocol, 'protein-small_molecule');
    assert.ok(ligand.steps.includes('affinity'));
    assert.deepEqual(yamlOf(ligand).entities, [{ ligand: { id: 'L', smiles: 'CC(=O)Nc1ccc(O)cc1' } }, { protein: { id: 'A', sequence: 'MS20..30' } }]);
    const generic = spec({ type: 'generic', num_proteins: 1, templates: [], entities: [{ type: 'no_template', entity: { type: 'designed_protein', chain_ids: ['A'], value: '60..80', cyclic: true } }] });
    assert.equal(generic.protocol, 'protein-anything');
    assert.deepEqual(yamlOf(generic).entities, [{ protein: { id: 'A', sequence: '60..80', cyclic: true } }]);
  });

  it('uniformly sampled specifications of one modality: one spec each, designs split between them', () => {
    const body = binderBody({
      type: 'uniformly_sampled',
      specifications: [
        { modality: 'peptide', entities: [{ type: 'no_template', entity: { type: 'designed_protein', chain_ids: ['P'], value: '10..14' } }] },
        { modality: 'peptide', entities: [{ type: 'no_template', entity: { type: 'designed_protein', chain_ids: ['P'], value: '16..20', cyclic: true } }] },
      ],
    });
    const result = spec(body, { 'templates[0]': CIF });
    assert.deepEqual(result.specs.map((s) => s.name), ['spec_0.yaml', 'spec_1.yaml']);
    const args = boltzGenArgs(result, 'chunk_3', 7, { cacheDir: '/models/hf', checkpointDir: '/models/ckpt', devices: 2 });
    assert.deepEqual(args, [
      'run', 'spec_0.yaml', 'spec_1.yaml', '--output', 'chunk_3', '--protocol', 'peptide-anything', '--num_designs', '4', '--inverse_fold_avoid', 'C',
      '--steps', 'design', 'inverse_folding', 'folding', 'analysis', '--reuse', '--cache', '/models/hf',
      '--design_checkpoints', '/models/ckpt/boltzgen1_diverse.ckpt', '/models/ckpt/boltzgen1_adherence.ckpt',
      '--inverse_fold_checkpoint', '/models/ckpt/boltzgen1_ifold.ckpt', '--folding_checkpoint', '/models/ckpt/boltz2_conf_final.ckpt',
      '--affinity_checkpoint', '/models/ckpt/boltz2_aff.ckpt', '--moldir', '/models/ckpt/mols.zip', '--devices', '2',
    ]);
  });

  it('refuses what BoltzGen cannot honour, by input path', () => {
    const problems = boltzGenAdmissionProblems({
      type: 'binder',
      num_proteins: 1,
      templates: [],
      target: {
        entities: [
          { type: 'no_template', entity: { type: 'protein', chain_ids: ['A'], value: 'MKTAYIAK', modifications: [{ residue_index: 1, type: 'ccd', value: 'SEP' }] } },
          { type: 'no_template', entity: { type: 'glycan', chain_ids: ['G'], residues: [], bonds: [] } },
        ],
      },
      binder: {
        type: 'uniformly_sampled',
        specifications: [
          { modality: 'antibody', entities: [], bonds: [{ atom1: {}, atom2: {} }] },
          { modality: 'peptide', entities: [{ type: 'from_template', template_id: 't', chain_id: 'B', crop_residues: 'all', design_motifs: [
            { type: 'insertion', after_residue_index: 1, design_length_range: { min: 1, max: 2 }, filters: [] },
            { type: 'insertion', after_residue_index: 2, design_length_range: { min: 1, max: 2 }, filters: [{ type: 'excluded_amino_acids', amino_acids: ['W'] }] },
          ] }] },
        ],
      },
    } as unknown as Input);
    assert.deepEqual(Object.keys(problems).sort(), [
      'binder',
      'binder.specifications[0].bonds',
      'binder.specifications[0].modality',
      'binder.specifications[1].entities[0].design_motifs[1].filters',
      'target.entities[0].entity.modifications',
      'target.entities[1].entity',
    ]);
    assert.match(problems['target.entities[0].entity.modifications'], /not supported by the live engine/);
    assert.deepEqual(boltzGenAdmissionProblems(legacyPeptideBody(3) as unknown as Input), {});
    const legacy = boltzGenAdmissionProblems({
      num_proteins: 1,
      target: { type: 'no_template', entities: [], constraints: [{ type: 'pocket' }], non_binding_residues: { A: [1] } },
      binder_specification: { type: 'no_template', modality: 'peptide', entities: [] },
    } as unknown as Input);
    assert.deepEqual(Object.keys(legacy).sort(), ['target.constraints', 'target.non_binding_residues']);
  });

  it('sequence redesign: inverse folding only, motif residues as design, exclusions as the inverse folder restriction', () => {
    const input = {
      type: 'binder',
      num_proteins: 2,
      structure: base64,
      entities: [
        { type: 'from_template', role: 'target', chain_id: 'A' },
        { type: 'from_template', role: 'binder', chain_id: 'B', design_motifs: [{ type: 'residues', residues: [0, 1, 2, 5], filters: [] }] },
      ],
      global_design_filters: [{ type: 'excluded_amino_acids', amino_acids: ['C', 'W'] }],
    } as unknown as JobInput<'protein_sequence_redesign'>;
    const result = toBoltzGenRedesign(input, new Map([['structure', CIF]]));
    assert.ok('spec' in result, JSON.stringify(result));
    assert.deepEqual(parse(result.spec.specs[0].yamlText), { entities: [{ file: { path: 'structure.cif', include: [{ chain: { id: 'A' } }, { chain: { id: 'B' } }], design: [{ chain: { id: 'B', res_index: '1..3,6' } }] } }] });
    assert.deepEqual(boltzGenArgs(result.spec, 'chunk_0', 4, {}), [
      'run', 'spec_0.yaml', '--output', 'chunk_0', '--protocol', 'protein-anything', '--num_designs', '4', '--inverse_fold_avoid', '',
      '--steps', 'inverse_folding', 'folding', 'analysis', '--reuse',
      '--only_inverse_fold', '--inverse_fold_num_sequences', '1', '--config', 'inverse_folding', 'override.inverse_fold_args.inverse_fold_restriction=[CYS,TRP]',
    ]);
    assert.deepEqual(result.plan.target.map((chain) => chain.id), ['A']);
    const nothing = toBoltzGenRedesign({ ...input, entities: [{ type: 'from_template', role: 'binder', chain_id: 'Z' }] } as never, new Map([['structure', CIF]]));
    assert.deepEqual(nothing, { problems: { 'entities[0].chain_id': 'is not a chain of the structure (chains: A, B)' } });
  });

  it('writes residue ranges compactly', () => {
    assert.equal(rangesOf([5, 1, 2, 3, 9, 10, 3]), '1..3,5,9..10');
  });
});
