import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DesignPlan, type SequenceFilters, HYDROPHOBIC, plannedEntity } from '../../protein/design-plan.ts';
import { proteinSequenceOf, readMmcifChains } from '../../read-mmcif.ts';
import type { ResultDraft } from '../../job-types.ts';

/**
 * A BoltzGen output folder → API result rows (spec/PIPELINE-ENGINES.md §3.1, §3.2, §3.4). The
 * analysis step writes `intermediate_designs_inverse_folded/aggregate_metrics_analyze.csv`, one
 * line per design that made it through folding (a design whose batch ran out of GPU memory is
 * simply missing), and `refold_cif/<id>.cif`, the best refolded sample.
 */
export const DESIGNS_DIR = 'intermediate_designs_inverse_folded';
export const METRICS_CSV = `${DESIGNS_DIR}/aggregate_metrics_analyze.csv`;

/** RFC 4180 CSV (pandas `to_csv`): quoted fields may hold commas, quotes and newlines. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records.filter((r) => r.length > 1 || r[0] !== '');
  return header ? rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? '']))) : [];
}

/** A design as BoltzGen's analysis reports it. */
export interface BoltzGenDesign {
  /** `<spec stem>_<index>`. */
  id: string;
  /** Which binder option (spec) it came from. */
  option: number;
  /** Designed residues only, in chain order. */
  designedSequence: string;
  columns: Record<string, string>;
}

/** The designs of a finished chunk folder, in the CSV's order; none when the analysis never finished. */
export async function readDesigns(chunkDir: string): Promise<BoltzGenDesign[]> {
  let text: string;
  try {
    text = await readFile(join(chunkDir, METRICS_CSV), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseCsv(text).flatMap((columns) => {
    const id = columns.id || columns.file_name?.replace(/\.cif$/, '');
    const option = Number(/^spec_(\d+)_/.exec(id ?? '')?.[1]);
    if (!id || !Number.isInteger(option)) return [];
    return [{ id, option, designedSequence: columns.designed_sequence ?? '', columns }];
  });
}

/** Why designed residues fail the request's filters, or undefined when they pass (SDK `Rules`). */
export function filterProblem(designed: string, filters: SequenceFilters): string | undefined {
  const excluded = [...designed].find((letter) => filters.excluded.has(letter));
  if (excluded) return `contains excluded amino acid ${excluded}`;
  if (filters.maxHydrophobicFraction !== undefined && designed.length > 0) {
    const fraction = [...designed].filter((letter) => HYDROPHOBIC.includes(letter)).length / designed.length;
    if (fraction > filters.maxHydrophobicFraction) return `hydrophobic fraction ${fraction.toFixed(2)} above ${filters.maxHydrophobicFraction}`;
  }
  for (const motif of filters.excludedMotifs) {
    const pattern = new RegExp(motif.replaceAll('X', '.'));
    if (pattern.test(designed)) return `contains excluded motif ${motif}`;
  }
  return undefined;
}

const number = (columns: Record<string, string>, ...names: string[]): number | undefined => {
  for (const name of names) {
    const value = Number.parseFloat(columns[name] ?? '');
    if (Number.isFinite(value)) return value;
  }
  return undefined;
};

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

type Row = Omit<ResultDraft<'protein_design'>, 'artifacts'>;

export interface DesignRow {
  row: Row;
  /** Every binder chain sequence: what makes two designs the same protein. */
  key: string;
  cif: string;
  metricsJson: Buffer;
}

/**
 * One design → its result row (§3.4): `iptm` = `design_iptm`; `binding_confidence` = ENGINE.md §6
 * ipTM applied to `design_to_target_iptm` (BoltzGen's own primary metric), or the affinity
 * head's binder probability for small-molecule targets; `structure_confidence` = Boltz's
 * `0.8·pLDDT + 0.2·ipTM` from the refolded CIF (B-factors are pLDDT on a 0–1 scale);
 * secondary-structure fractions over designed residues, `0/0/1` when BoltzGen leaves them NaN.
 * Entities: the target as requested, designed chains with the sequences of the refolded structure.
 */
export async function designRow(chunkDir: string, design: BoltzGenDesign, plan: DesignPlan): Promise<DesignRow | { problem: string }> {
  const cif = await readFile(join(chunkDir, DESIGNS_DIR, 'refold_cif', `${design.id}.cif`), 'utf8').catch(() => undefined);
  if (cif === undefined) return { problem: 'no refolded structure' };
  const chains = readMmcifChains(cif);
  const targetIds = new Set(plan.target.map((chain) => chain.id));
  const option = plan.binders[design.option] ?? plan.binders[0];
  const binderChains = chains.filter((chain) => !targetIds.has(chain.id) && proteinSequenceOf(chain).length > 0);
  if (binderChains.length === 0) return { problem: 'no designed chain in the refolded structure' };
  // BoltzGen names chains itself; when the counts agree, the request's binder chain ids are kept.
  const ids = binderChains.length === option.chains.length ? option.chains.map((chain) => chain.id) : binderChains.map((chain) => chain.id);
  const binderEntities = binderChains.map((chain, i) => plannedEntity({ id: ids[i], type: 'protein', segments: [], cyclic: option.chains[i]?.cyclic }, proteinSequenceOf(chain)));
  const entities = [...plan.target.map((chain) => plannedEntity(chain)), ...binderEntities];

  const ca = chains.flatMap((chain) => chain.residues.flatMap((residue) => (residue.polymer ? residue.atoms.filter((atom) => atom.name === 'CA') : residue.atoms)));
  const plddt = ca.length ? ca.reduce((sum, atom) => sum + atom.bFactor, 0) / ca.length : undefined;
  const c = design.columns;
  const iptm = number(c, 'design_iptm', 'iptm') ?? 0;
  const ptm = number(c, 'design_ptm', 'ptm') ?? 0;
  const generic = plan.shape === 'generic';
  const structureConfidence = plddt === undefined ? ptm : 0.8 * Math.min(1, plddt > 1 ? plddt / 100 : plddt) + 0.2 * (generic ? ptm : iptm);
  const helix = number(c, 'helix');
  const sheet = number(c, 'sheet');
  const loop = number(c, 'loop');
  const fractions = helix === undefined || sheet === undefined || loop === undefined ? { helix_fraction: 0, sheet_fraction: 0, loop_fraction: 1 } : { helix_fraction: round4(helix), sheet_fraction: round4(sheet), loop_fraction: round4(loop) };
  const smallMoleculeTarget = plan.target.length > 0 && plan.target.every((chain) => chain.type === 'ligand_ccd' || chain.type === 'ligand_smiles');
  const bindingConfidence = smallMoleculeTarget ? number(c, 'affinity_probability_binary') : number(c, 'design_to_target_iptm', 'design_iptm', 'iptm');
  const metrics = generic
    ? { structure_confidence: round4(structureConfidence), ...fractions }
    : {
        binding_confidence: round4(bindingConfidence ?? iptm),
        iptm: round4(iptm),
        min_interaction_pae: round4(number(c, 'min_interaction_pae') ?? 0),
        structure_confidence: round4(structureConfidence),
        ...fractions,
      };
  const warnings = metrics.structure_confidence < 0.6 ? [{ code: 'low_confidence', message: 'The predicted structure of this design has low confidence.' }] : undefined;
  const row = { ...(plan.shape === 'legacy' ? {} : { type: plan.shape }), entities, metrics, ...(warnings ? { warnings } : {}) } as Row;
  // Engine extras in the archive only (spec/PIPELINE-ENGINES.md §6 "Archive").
  const engine = Object.fromEntries(['design_to_target_iptm', 'design_ptm', 'bb_rmsd', 'filter_rmsd', 'num_design'].flatMap((name) => (c[name] ? [[name, number(c, name) ?? c[name]]] : [])));
  return {
    row,
    key: binderEntities.map((entity) => ('value' in entity ? entity.value : '')).join('/'),
    cif,
    metricsJson: Buffer.from(JSON.stringify({ ...metrics, engine: { name: 'boltzgen', design_id: design.id, ...engine } }, null, 2) + '\n'),
  };
}
