import { lookupCcd, type Chemistry } from '@boltz/chemistry';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { EngineFailure } from '../engine-failure.ts';
import type { PredictionJob } from '../engine.ts';

type StructureJob = PredictionJob<'structure_and_binding'>;
import { glycanResidueOrder } from '../glycan.ts';
import { pdbTemplateToMmcif } from './pdb-template.ts';

/**
 * API input → `boltz predict` YAML, side files and flags (spec/ENGINE.md §2, §3, §5). Pure: the
 * caller writes `files` and the YAML (as `<job id>.yaml`) into one directory and runs the
 * executable there, so every path in the YAML and the flags is relative to it.
 */
export interface BoltzDeployment {
  /** Weights and CCD cache (`--cache`), pre-populated on offline hosts. */
  cacheDir: string;
  /** ColabFold-compatible MSA server; omitted → Boltz's default (api.colabfold.com). */
  msaServerUrl?: string;
  /** `--max_parallel_samples` (default 5; lower on small GPUs). */
  maxParallelSamples?: number;
  usePotentials?: boolean;
  /** GPUs without cuEquivariance kernel support. */
  noKernels?: boolean;
  seed?: number;
  /** Glycans through multi-residue CCD ligands are experimental (§8): off unless enabled. */
  glycans?: boolean;
}

export interface BoltzRequest {
  yamlText: string;
  files: Array<{ name: string; data: Buffer }>;
  args: string[];
}

export const OUT_DIR = 'out';
const DEFAULT_STEP_SCALE = 1.638; // the documented default; Boltz itself uses 1.5 when the flag is omitted
const MAX_AFFINITY_BINDER_ATOMS = 128;

type AtomRef = [chain: string, residue: number, atom: string];
type Token = [chain: string, residueOrAtom: number | string];

interface ChainInfo {
  entityIndex: number;
  entity: any;
}

function invalid(message: string): never {
  throw new EngineFailure('validation_error', message);
}

export function toBoltzRequest(job: StructureJob, deployment: BoltzDeployment, chemistry: Chemistry): BoltzRequest {
  const input = job.input;
  const entities: any[] = input.entities;
  const chains = new Map<string, ChainInfo>();
  entities.forEach((entity, entityIndex) => {
    for (const id of entity.chain_ids) chains.set(id, { entityIndex, entity });
  });
  const files: BoltzRequest['files'] = [];

  const msaPaths = new Map<string, string>();
  const sequences = entities.map((entity, index) => sequenceItem(entity, index, job, files, deployment, msaPaths));
  const constraints = [
    ...entities.flatMap((entity) => (entity.type === 'glycan' ? glycanBonds(entity) : [])),
    ...(input.bonds ?? []).map((bond: any) => ({ bond: { atom1: bondAtom(bond.atom1, chains), atom2: bondAtom(bond.atom2, chains) } })),
    ...(input.constraints ?? []).map((constraint: any) => structuralConstraint(constraint, chains)),
  ];
  const templates = (input.templates ?? []).map((template: any, n: number) => templateItem(template, n, job, files));
  const affinity = input.binding?.type === 'ligand_protein_binding' ? affinityBinder(input.binding.binder_chain_id, chains, chemistry) : undefined;

  const yaml = {
    version: 1,
    sequences,
    ...(constraints.length > 0 ? { constraints } : {}),
    ...(templates.length > 0 ? { templates } : {}),
    ...(affinity ? { properties: [{ affinity: { binder: affinity } }] } : {}),
  };
  return { yamlText: toYaml(yaml), files, args: flags(job, deployment, Boolean(affinity)) };
}

function id(chainIds: string[]): string | string[] {
  return chainIds.length === 1 ? chainIds[0] : chainIds;
}

function sequenceItem(
  entity: any,
  index: number,
  job: StructureJob,
  files: BoltzRequest['files'],
  deployment: BoltzDeployment,
  msaPaths: Map<string, string>,
) {
  switch (entity.type) {
    case 'protein':
    case 'rna':
    case 'dna': {
      const modifications = (entity.modifications ?? []).map((m: any) => ({ position: m.residue_index + 1, ccd: m.value }));
      return {
        [entity.type]: {
          id: id(entity.chain_ids),
          sequence: entity.value,
          ...(modifications.length > 0 ? { modifications } : {}),
          ...(entity.cyclic ? { cyclic: true } : {}),
          ...(entity.type === 'protein' && entity.msa ? { msa: msaPath(entity, index, job, files, msaPaths) } : {}),
        },
      };
    }
    case 'ligand_ccd':
      return { ligand: { id: id(entity.chain_ids), ccd: entity.value } };
    case 'ligand_smiles':
      return { ligand: { id: id(entity.chain_ids), smiles: entity.value } };
    case 'glycan':
      if (!deployment.glycans) invalid('glycans are not supported by this engine');
      return { ligand: { id: id(entity.chain_ids), ccd: glycanResidueOrder(entity).map((r) => r.ccd) } };
    default:
      return invalid(`entity type ${entity.type} is not supported by this engine`);
  }
}

function inputFile(job: StructureJob, key: string) {
  const file = job.inputFiles.get(key);
  // The server decodes every file input before the job runs; a missing one is our bug.
  if (!file) throw new Error(`input file ${key} was not provided to the engine`);
  return file;
}

/**
 * Boltz merges proteins with the same sequence and rejects the merge when their `msa` values
 * differ (§2), comparing the paths: copies declared as separate entities (the API allows it when
 * their MSAs agree) therefore share the first one's file.
 */
function msaPath(protein: any, entityIndex: number, job: StructureJob, files: BoltzRequest['files'], msaPaths: Map<string, string>): string {
  const msa = protein.msa;
  if (msa.type === 'empty') return 'empty';
  const shared = msaPaths.get(protein.value);
  if (shared) return shared;
  const name = `msa_${entityIndex}.${msa.format === 'csv' ? 'csv' : 'a3m'}`;
  files.push({ name, data: inputFile(job, `input.entities[${entityIndex}].msa`).data });
  msaPaths.set(protein.value, name);
  return name;
}

/** Internal glycan bonds: one bond constraint per bond and per copy (§5). */
function glycanBonds(entity: any) {
  const position = new Map(glycanResidueOrder(entity).map((r, i) => [r.id, i + 1]));
  return (entity.chain_ids as string[]).flatMap((chain) =>
    entity.bonds.map((bond: any) => ({
      bond: {
        atom1: [chain, position.get(bond.atom1.residue_id)!, bond.atom1.atom_id] as AtomRef,
        atom2: [chain, position.get(bond.atom2.residue_id)!, bond.atom2.atom_id] as AtomRef,
      },
    })),
  );
}

/**
 * SMILES atom references cannot be translated: Boltz names SMILES atoms by RDKit canonical rank
 * (§2), which the WebAssembly RDKit does not expose, and atom maps do not name atoms (§8).
 */
function smilesReferenceUnsupported(chain: string): never {
  return invalid(`atom references into SMILES ligand ${chain} cannot be translated to the live engine's atom names; reference a CCD ligand or a polymer atom instead`);
}

function bondAtom(atom: any, chains: Map<string, ChainInfo>): AtomRef {
  switch (atom.type) {
    case 'polymer_atom':
      return [atom.chain_id, atom.residue_index + 1, atom.atom_name];
    case 'ligand_atom':
      if (chains.get(atom.chain_id)?.entity.type === 'ligand_smiles') smilesReferenceUnsupported(atom.chain_id);
      return [atom.chain_id, 1, atom.atom_name];
    case 'ccd_atom': {
      const entity = chains.get(atom.chain_id)!.entity;
      const position = glycanResidueOrder(entity).findIndex((r) => r.id === atom.residue_id) + 1;
      return [atom.chain_id, position, atom.atom_id];
    }
    case 'smiles_atom':
      return smilesReferenceUnsupported(atom.chain_id);
    default:
      return invalid(`bond atom type ${atom.type} is not supported by this engine`);
  }
}

function contactToken(token: any, chains: Map<string, ChainInfo>): Token {
  if (token.type === 'polymer_contact') return [token.chain_id, token.residue_index + 1];
  if (chains.get(token.chain_id)?.entity.type === 'ligand_smiles') smilesReferenceUnsupported(token.chain_id);
  return [token.chain_id, token.atom_name];
}

function structuralConstraint(constraint: any, chains: Map<string, ChainInfo>) {
  if (constraint.type === 'pocket') {
    const contacts = Object.entries(constraint.contact_residues as Record<string, number[]>).flatMap(([chain, indices]) =>
      indices.map((index): Token => [chain, index + 1]),
    );
    return { pocket: { binder: constraint.binder_chain_id, contacts, max_distance: constraint.max_distance_angstrom, force: constraint.force ?? false } };
  }
  return {
    contact: {
      token1: contactToken(constraint.token1, chains),
      token2: contactToken(constraint.token2, chains),
      max_distance: constraint.max_distance_angstrom,
      force: constraint.force ?? false,
    },
  };
}

function templateItem(template: any, n: number, job: StructureJob, files: BoltzRequest['files']) {
  const file = inputFile(job, `input.templates[${n}].template_structure`);
  const name = `tmpl_${n}.cif`;
  // URL templates arrive with a guessed media type: the content decides (mmCIF starts with data_).
  const cif = /^\s*(?:#.*\n\s*)*data_/.test(file.data.subarray(0, 4096).toString('utf8'));
  files.push({ name, data: cif ? file.data : Buffer.from(pdbTemplateToMmcif(file.data.toString('utf8'), `tmpl_${n}`)) });
  const mapping = template.template_chains as Array<{ input_chain_id: string; template_chain_id: string }>;
  return {
    cif: name,
    chain_id: mapping.map((m) => m.input_chain_id),
    template_id: mapping.map((m) => m.template_chain_id),
    ...(template.force_threshold_angstroms !== undefined ? { force: true, threshold: template.force_threshold_angstroms } : {}),
  };
}

/** The affinity head takes binders up to 128 atoms, the API up to 2048 (§8). */
function affinityBinder(chain: string, chains: Map<string, ChainInfo>, chemistry: Chemistry): string {
  const entity = chains.get(chain)!.entity;
  const heavyAtoms =
    entity.type === 'ligand_smiles' ? chemistry.parseSmiles(entity.value)?.heavyAtomCount : lookupCcd(entity.value)?.atoms.length;
  if (heavyAtoms !== undefined && heavyAtoms > MAX_AFFINITY_BINDER_ATOMS) {
    invalid(`binder too large for the live engine: ${chain} has ${heavyAtoms} heavy atoms, at most ${MAX_AFFINITY_BINDER_ATOMS} are supported`);
  }
  return chain;
}

/**
 * Whether Boltz must compute the MSAs (`--use_msa_server`): MSA modes are all-or-nothing per
 * request (§5), automatic only when no protein names one.
 */
export function needsAutomaticMsa(input: StructureJob['input']): boolean {
  const proteins = (input.entities as Array<{ type: string; msa?: unknown }>).filter((e) => e.type === 'protein');
  return proteins.length > 0 && proteins.every((p) => p.msa === undefined);
}

function flags(job: StructureJob, deployment: BoltzDeployment, affinity: boolean): string[] {
  const input = job.input;
  const options = input.model_options ?? {};
  const automaticMsa = needsAutomaticMsa(input);
  return [
    'predict', `${job.id}.yaml`,
    '--out_dir', OUT_DIR,
    '--cache', deployment.cacheDir,
    '--model', 'boltz2',
    '--output_format', 'mmcif',
    '--diffusion_samples', String(input.num_samples ?? 1),
    '--recycling_steps', String(options.recycling_steps ?? 3),
    '--sampling_steps', String(options.sampling_steps ?? 200),
    '--step_scale', String(options.step_scale ?? DEFAULT_STEP_SCALE),
    '--max_parallel_samples', String(deployment.maxParallelSamples ?? 5),
    '--devices', '1',
    '--accelerator', 'gpu',
    '--num_workers', '2',
    '--write_full_pae',
    '--override',
    ...(automaticMsa
      ? ['--use_msa_server', ...(deployment.msaServerUrl ? ['--msa_server_url', deployment.msaServerUrl] : []), '--msa_pairing_strategy', 'greedy']
      : []),
    ...(affinity ? ['--sampling_steps_affinity', '200', '--diffusion_samples_affinity', '5'] : []),
    ...(deployment.usePotentials ? ['--use_potentials'] : []),
    ...(deployment.noKernels ? ['--no_kernels'] : []),
    ...(deployment.seed !== undefined ? ['--seed', String(deployment.seed)] : []),
  ];
}

/**
 * Every string double-quoted: Boltz reads YAML with PyYAML (YAML 1.1), where unquoted `ON`,
 * `NO`, `off`, `1e3` or `12:30` would turn into booleans and numbers (§5 pitfalls). Short lists
 * (ids, atom references, contacts) are written in flow style so the file reads like the docs.
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item) || (isSeq(item) && item.items.every(isScalar)))) node.flow = true;
    },
  });
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}
