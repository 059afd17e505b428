import {
  type MoleculeFilters,
  MoleculeGenerationError,
  type SmartsCatalogFilterLevel,
  FINGERPRINT_WORDS,
  FingerprintTable,
  type NeighbourGraph,
  buildNeighbourGraph,
  compileMoleculeFilters,
  generateDrugLikeMolecule,
  loadChemistry,
  loadRdkit,
  morganFingerprint,
} from '@boltz/chemistry';
import { tarGz } from '../../archive.ts';
import { npz } from '../../npz.ts';
import { admeFromDescriptors } from '../adme.ts';
import { type Landscape, type MoleculeTarget, ligandChainId, moleculeMetrics, moleculeQuality, targetBitWeights } from './molecule-scores.ts';
import { resultStructureInWorker } from './result-structure.ts';

/**
 * Worker-thread tasks of the test-mode small-molecule engines (../../worker-pool.ts): all RDKit
 * work — parsing, filters, fingerprints, generation, structures — runs here, never on the
 * server's event loop. Each export takes one structured-cloneable argument.
 */
export type Adme = ReturnType<typeof admeFromDescriptors>;

export interface PrepareTask {
  smiles: string[];
  filters: MoleculeFilters | undefined;
  defaultLevel: SmartsCatalogFilterLevel;
  target: MoleculeTarget;
  adme: boolean;
  /** Also return the accepted molecules' fingerprints (explore's neighbour graph). */
  fingerprints: boolean;
}

/** One submitted molecule: 0 invalid, 1 filtered, 2 accepted (with what scoring needs). */
export type PreparedMolecule =
  | { outcome: 0 }
  | { outcome: 1; canonical: string }
  | { outcome: 2; canonical: string; quality: number; heavyAtoms: number; adme?: Adme };

export interface Prepared {
  molecules: PreparedMolecule[];
  /** Fingerprint words of the accepted molecules, in order (FINGERPRINT_WORDS each). */
  words?: Uint32Array;
}

const ACTIVES = 6;
const landscapes = new Map<string, Landscape>();

/**
 * The target's landscape (molecule-scores.ts), made once per worker thread and target: its
 * actives are the reference ligands RDKit can read and molecules of the design generator seeded by
 * the target, so design and combinatorial libraries meet analogues of them.
 */
async function landscapeOf(target: MoleculeTarget): Promise<Landscape> {
  const key = JSON.stringify(target);
  const known = landscapes.get(key);
  if (known) return known;
  const [rdkit, chemistry] = await Promise.all([loadRdkit(), loadChemistry()]);
  const actives = (target.reference_ligands ?? []).flatMap((smiles) => morganFingerprint(rdkit, smiles) ?? []);
  const anything = compileMoleculeFilters(rdkit, { boltz_smarts_catalog_filter_level: 'disabled' }, 'disabled');
  const made = new Set<string>();
  try {
    for (let index = 0; made.size < ACTIVES; index++) {
      const molecule = generateDrugLikeMolecule({ chemistry, filters: anything, runId: `landscape:${key}`, resultIndex: index, isTaken: (smiles) => made.has(smiles) });
      made.add(molecule.canonicalSmiles);
      actives.push(morganFingerprint(rdkit, molecule.canonicalSmiles)!);
    }
  } finally {
    anything.dispose();
  }
  const landscape = { weights: targetBitWeights(target), actives };
  if (landscapes.size > 100) landscapes.clear();
  landscapes.set(key, landscape);
  return landscape;
}

/** Validity and the run's filters (docs/molecule-filters.md), then the quality of each accepted molecule. */
export async function prepareMolecules(task: PrepareTask): Promise<Prepared> {
  const [rdkit, chemistry] = await Promise.all([loadRdkit(), loadChemistry()]);
  const filters = compileMoleculeFilters(rdkit, task.filters, task.defaultLevel);
  const landscape = await landscapeOf(task.target);
  const words: Uint32Array[] = [];
  try {
    const molecules = task.smiles.map((smiles): PreparedMolecule => {
      const verdict = filters.evaluate(smiles);
      if (verdict.outcome === 'invalid') return { outcome: 0 };
      if (verdict.outcome === 'filtered') return { outcome: 1, canonical: verdict.canonicalSmiles };
      const fingerprint = morganFingerprint(rdkit, verdict.canonicalSmiles)!;
      if (task.fingerprints) words.push(fingerprint);
      // RDKit's whole descriptor set (and a 2D layout) only where ADME needs it: it costs more than the rest together.
      const parsed = task.adme ? chemistry.parseSmiles(verdict.canonicalSmiles)! : undefined;
      return {
        outcome: 2,
        canonical: verdict.canonicalSmiles,
        quality: moleculeQuality(landscape, fingerprint),
        heavyAtoms: parsed?.heavyAtomCount ?? chemistry.heavyAtomCount(verdict.canonicalSmiles)!,
        ...(parsed ? { adme: admeFromDescriptors(parsed) } : {}),
      };
    });
    if (!task.fingerprints) return { molecules };
    return { molecules, words: concatWords(words) };
  } finally {
    filters.dispose();
  }
}

/** Fingerprints end to end in one array. */
export function concatWords(parts: Uint32Array[]): Uint32Array {
  const all = new Uint32Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((at, part) => (all.set(part, at), at + part.length), 0);
  return all;
}

export interface DesignTask {
  runId: string;
  target: MoleculeTarget;
  filters: MoleculeFilters | undefined;
  defaultLevel: SmartsCatalogFilterLevel;
  /** Result indexes [from, from + count). */
  from: number;
  count: number;
  /** Canonical SMILES the run already has (designs are unique within a run). */
  taken: string[];
}

export interface DesignedMolecule {
  smiles: string;
  quality: number;
  adme: Adme;
}

/** The run's designs number `from` … `from + count − 1`, or why none could be made. */
export async function designMolecules(task: DesignTask): Promise<{ molecules: DesignedMolecule[] } | { error: string }> {
  const [rdkit, chemistry] = await Promise.all([loadRdkit(), loadChemistry()]);
  const filters = compileMoleculeFilters(rdkit, task.filters, task.defaultLevel);
  const landscape = await landscapeOf(task.target);
  const taken = new Set(task.taken);
  const molecules: DesignedMolecule[] = [];
  try {
    for (let index = task.from; index < task.from + task.count; index++) {
      const parsed = generateDrugLikeMolecule({ chemistry, filters, runId: task.runId, resultIndex: index, isTaken: (smiles) => taken.has(smiles) });
      taken.add(parsed.canonicalSmiles);
      const fingerprint = morganFingerprint(rdkit, parsed.canonicalSmiles)!;
      molecules.push({ smiles: parsed.canonicalSmiles, quality: moleculeQuality(landscape, fingerprint), adme: admeFromDescriptors(parsed) });
    }
    return { molecules };
  } catch (error) {
    if (error instanceof MoleculeGenerationError) return { error: error.message };
    throw error;
  } finally {
    filters.dispose();
  }
}

export interface RenderTask {
  runId: string;
  target: MoleculeTarget;
  /** Canonical SMILES of the result's molecule. */
  smiles: string;
  seq: number;
  which: 'archive' | 'structure' | 'ligand_structure';
}

export const STRUCTURE_FILE = 'predicted_structure.cif';
export const LIGAND_FILE = 'ligand.cif';

/**
 * A result's files: the complex of the target and the molecule (the ligand placed against the
 * pocket residues, or a pocket the synthetic engine finds), the ligand alone, and the archive
 * `result/{metrics.json, predicted_structure.cif, ligand.cif, pae.npz}`.
 */
export async function renderMoleculeFile(task: RenderTask): Promise<Uint8Array> {
  const [rdkit, chemistry] = await Promise.all([loadRdkit(), loadChemistry()]);
  const { target, smiles } = task;
  const chain = ligandChainId(target);
  const entities = [...target.entities, { type: 'ligand_smiles', chain_ids: [chain], value: smiles }] as never;
  const proteinsOnly = target.entities.every((entity) => entity.type === 'protein');
  const pocket = target.pocket_residues && Object.keys(target.pocket_residues).length > 0
    ? [{ type: 'pocket', binder_chain_id: chain, contact_residues: target.pocket_residues, max_distance_angstrom: 6 }]
    : [];
  const structure = resultStructureInWorker(
    entities,
    proteinsOnly ? ({ type: 'ligand_protein_binding', binder_chain_id: chain } as never) : undefined,
    `${task.runId}/${task.seq}`,
    { bonds: target.bonds as never, constraints: [...(target.constraints ?? []), ...pocket] as never },
    chemistry,
  );
  if (task.which === 'structure') return Buffer.from(structure.cif);
  const ligand = ligandOnly(structure.cif, chain);
  if (task.which === 'ligand_structure') return Buffer.from(ligand);
  const quality = moleculeQuality(await landscapeOf(target), morganFingerprint(rdkit, smiles)!);
  const metrics = moleculeMetrics(quality, task.runId, smiles);
  return tarGz([
    { path: 'result/metrics.json', data: Buffer.from(JSON.stringify(metrics, null, 2) + '\n') },
    { path: `result/${STRUCTURE_FILE}`, data: Buffer.from(structure.cif) },
    { path: `result/${LIGAND_FILE}`, data: Buffer.from(ligand) },
    { path: 'result/pae.npz', data: npz({ pae: structure.pae }) },
  ]);
}

/** The mmCIF of the complex reduced to the ligand chain's atoms (one `_atom_site` loop). */
export function ligandOnly(cif: string, chain: string): string {
  const lines = cif.split('\n');
  const header: string[] = [];
  const rows: string[] = [];
  let inAtomSite = false;
  let chainColumn = -1;
  for (const line of lines) {
    if (line.startsWith('_atom_site.')) {
      inAtomSite = true;
      if (line.trim() === '_atom_site.label_asym_id') chainColumn = header.length;
      header.push(line.trim());
      continue;
    }
    if (!inAtomSite) continue;
    if (line.startsWith('#') || line.startsWith('loop_') || line.startsWith('_') || line.trim() === '') break;
    if (line.split(/\s+/)[chainColumn] === chain) rows.push(line);
  }
  return ['data_ligand', '#', 'loop_', ...header, ...rows, '#', ''].join('\n');
}

/** Explore's `building_graph` phase: the approximate k-nearest-neighbour graph of the accepted molecules' fingerprints. */
export function explorationGraph(task: { words: Uint32Array; size: number; seed: string }): NeighbourGraph {
  const table = new FingerprintTable(task.size);
  for (let i = 0; i < task.size; i++) table.set(i, task.words.subarray(i * FINGERPRINT_WORDS, (i + 1) * FINGERPRINT_WORDS));
  return buildNeighbourGraph(table, { seed: task.seed });
}
