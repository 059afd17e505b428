import { inflateRawSync } from 'node:zlib';
import type { JobInput, ResultDraft } from '../../job-types.ts';
import { type CifChain, readMmcifChains } from '../../read-mmcif.ts';
import { fieldsNamed } from '../input-paths.ts';
import type { BoltzPredictOutputs, ScreenAdapter } from './engine.ts';

/**
 * Protein library screens on Boltz-2 (spec/PIPELINE-ENGINES.md §4.4): each candidate's entities
 * next to the target's, chain ids that collide with the target's renamed (and echoed renamed),
 * the target's `epitope_residues` as a pocket for the candidate's first chain. Metrics: `iptm` =
 * mean of `pair_chains_iptm` over candidate × target chains (both directions), which is also
 * `binding_confidence` (spec/ENGINE.md §6); `min_interaction_pae` = least PAE between candidate
 * and target tokens; `structure_confidence` = `confidence_score`; secondary-structure fractions
 * of the candidate's protein chains from their Cα geometry (a P-SEA-like assignment: the live
 * host has no DSSP). Structure-template targets and what Boltz has no input for are refused.
 */
type Input = JobInput<'protein_library_screen'>;
type Untyped = Record<string, any>;
type Yaml = Record<string, unknown>;
const UNSUPPORTED = 'is not supported by the live engine';

export function proteinScreenAdmissionProblems(input: object): Record<string, string> {
  const problems: Record<string, string> = {};
  const body = input as Untyped;
  if (body.target?.type === 'structure_template') problems['target.type'] = `structure_template ${UNSUPPORTED} yet; give the target's entities`;
  for (const name of ['modifications', 'bonds', 'constraints']) {
    for (const { path, value } of fieldsNamed(input, name)) if (Array.isArray(value) && value.length > 0) problems[path] = UNSUPPORTED;
  }
  for (const { path, value } of fieldsNamed(input, 'non_binding_residues')) {
    if (value && typeof value === 'object' && Object.keys(value).length > 0) problems[path] = `${UNSUPPORTED}: Boltz has no input for residues to avoid`;
  }
  for (const { path, value } of fieldsNamed(input, 'type')) if (value === 'glycan') problems[path.replace(/\.type$/, '')] = UNSUPPORTED;
  return problems;
}

/** An API entity as a `boltz predict` sequence; candidates' proteins are single-sequence (`msa: empty`), like BoltzGen's refolding (§4.4). */
function sequenceOf(entity: Untyped, ids: string[], role: 'target' | 'candidate'): Yaml {
  if (entity.type === 'ligand_ccd') return { ligand: { id: ids, ccd: entity.value } };
  if (entity.type === 'ligand_smiles') return { ligand: { id: ids, smiles: entity.value } };
  const msa = entity.type === 'protein' && role === 'candidate' ? { msa: 'empty' } : {};
  return { [entity.type]: { id: ids, sequence: entity.value, ...(entity.cyclic ? { cyclic: true } : {}), ...msa } };
}

/** Candidate chain ids, those the target uses replaced by free letters. */
function candidateIds(input: Input, index: number): string[][] {
  const taken = new Set((input.target as Untyped).entities.flatMap((entity: Untyped) => entity.chain_ids as string[]));
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  return (input.proteins[index].entities as Untyped[]).map((entity) =>
    (entity.chain_ids as string[]).map((id) => {
      const free = taken.has(id) ? (letters.find((letter) => !taken.has(letter)) ?? `${id}1`) : id;
      taken.add(free);
      return free;
    }),
  );
}

/** The `pae` array of a Boltz `pae_*.npz` (numpy `savez_compressed`: deflated or stored zip entries). */
export function readPae(npz: Buffer): { size: number; values: Float64Array } {
  let offset = 0;
  while (npz.readUInt32LE(offset) === 0x04034b50) {
    const method = npz.readUInt16LE(offset + 8);
    const size = npz.readUInt32LE(offset + 18);
    const nameLength = npz.readUInt16LE(offset + 26);
    const extraLength = npz.readUInt16LE(offset + 28);
    const name = npz.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    if (name === 'pae.npy') {
      const raw = npz.subarray(start, start + size);
      const npy = method === 8 ? inflateRawSync(raw) : raw;
      const headerLength = npy.readUInt16LE(8);
      const header = npy.subarray(10, 10 + headerLength).toString('latin1');
      const [rows] = /'shape': \((\d+),/.exec(header)!.slice(1).map(Number);
      const wide = header.includes("'<f8'");
      const body = npy.subarray(10 + headerLength);
      const values = new Float64Array(rows * rows);
      for (let i = 0; i < values.length; i++) values[i] = wide ? body.readDoubleLE(i * 8) : body.readFloatLE(i * 4);
      return { size: rows, values };
    }
    offset = start + size;
  }
  throw new Error('no pae array in the npz');
}

/** Tokens per chain in the structure's order: polymer residues, or heavy atoms of ligands (spec/ENGINE.md §9). */
function tokenChains(chains: CifChain[]): string[] {
  return chains.flatMap((chain) => chain.residues.flatMap((residue) => (residue.polymer ? [chain.id] : residue.atoms.filter((atom) => atom.element !== 'H').map(() => chain.id))));
}

/** Helix / sheet / loop from Cα geometry: i→i+3 distance ≈ 5–5.5 Å in helices, ≥ 9.5 Å in strands. */
export function secondaryStructureFromCa(chains: CifChain[]): { helix_fraction: number; sheet_fraction: number; loop_fraction: number } {
  let helix = 0;
  let sheet = 0;
  let total = 0;
  for (const chain of chains) {
    const ca = chain.residues.filter((residue) => residue.polymer).map((residue) => residue.atoms.find((atom) => atom.name === 'CA'));
    for (let i = 0; i < ca.length; i++) {
      total++;
      const a = ca[i];
      const b = ca[i + 3] ?? ca[i - 3];
      if (!a || !b) continue;
      const d = Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
      if (d >= 4.5 && d <= 6) helix++;
      else if (d >= 9.5) sheet++;
    }
  }
  if (total === 0) return { helix_fraction: 0, sheet_fraction: 0, loop_fraction: 1 };
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const h = round(helix / total);
  const s = round(sheet / total);
  return { helix_fraction: h, sheet_fraction: s, loop_fraction: round(1 - h - s) };
}

export const proteinScreenAdapter: ScreenAdapter<'protein_library_screen'> = {
  kind: 'protein_library_screen',
  admissionProblems: proteinScreenAdmissionProblems,
  candidates: (input: Input) =>
    input.proteins.map((protein, index) => {
      const ids = candidateIds(input, index);
      return { sequences: (protein.entities as Untyped[]).map((entity, k) => sequenceOf(entity, ids[k], 'candidate')), binder: ids[0][0], affinity: false };
    }),
  target(input: Input) {
    const target = input.target as Untyped;
    const sequences = (target.entities as Untyped[]).map((entity) => sequenceOf(entity, entity.chain_ids, 'target'));
    const contacts = Object.entries<number[]>(target.epitope_residues ?? {}).flatMap(([chain, indices]) => indices.map((index) => [chain, index + 1]));
    return { sequences, constraints: (binder) => (contacts.length ? [{ pocket: { binder, contacts, max_distance: 10, force: false } }] : []) };
  },
  row(input: Input, index: number, outputs: BoltzPredictOutputs) {
    const protein = input.proteins[index];
    const ids = candidateIds(input, index);
    const candidate = new Set(ids.flat());
    const chains = readMmcifChains(outputs.cif);
    const order = chains.map((chain) => chain.id);
    const pair = (outputs.confidence as unknown as { pair_chains_iptm?: Record<string, Record<string, number>> }).pair_chains_iptm ?? {};
    const values: number[] = [];
    order.forEach((c, ci) => order.forEach((t, ti) => {
      if (candidate.has(c) && !candidate.has(t)) values.push(((pair[ci]?.[ti] ?? 0) + (pair[ti]?.[ci] ?? 0)) / 2);
    }));
    const iptm = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number(outputs.confidence.iptm ?? 0);
    let minPae = Number.POSITIVE_INFINITY;
    const tokens = tokenChains(chains);
    const { size, values: pae } = readPae(outputs.pae);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) if (candidate.has(tokens[i]) !== candidate.has(tokens[j])) minPae = Math.min(minPae, pae[i * size + j]);
    const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
    const entities = [...((input.target as Untyped).entities as Untyped[]), ...(protein.entities as Untyped[]).map((entity, k) => ({ ...entity, chain_ids: ids[k] }))];
    return {
      entities,
      ...(protein.id ? { external_id: protein.id } : {}),
      metrics: {
        binding_confidence: round4(iptm),
        iptm: round4(iptm),
        min_interaction_pae: round4(Number.isFinite(minPae) ? minPae : 0),
        structure_confidence: round4(Number(outputs.confidence.confidence_score ?? 0)),
        ...secondaryStructureFromCa(chains.filter((chain) => candidate.has(chain.id))),
      },
    } as unknown as Omit<ResultDraft<'protein_library_screen'>, 'artifacts'>;
  },
  progress: (screened, failed, total) => ({ num_proteins_screened: screened, num_proteins_failed: failed, total_proteins_to_screen: total }),
};
